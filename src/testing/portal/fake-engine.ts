/**
 * The engine wiring of the portal's API tests: one fake provider, the fake tenant backend and the fake
 * networking kinds over one FakeCloud, no schedules, and a runner that polls and backs off in tens of ms.
 *
 * @example
 *   p = await testPortal(ctx.url, { engine: fakeEngine(cloud, provider) });
 */
import type { EngineWiring } from '../../portal/server.ts';
import { type FakeCloud, fakeProviders, fakeTenantBackend } from './fake-backend.ts';
import { fakeKinds } from './fake-kinds.ts';

export const FAST_RUNNER = { pollMs: 20, backoff: { baseMs: 20, maxMs: 50 } };

export function fakeEngine(
  cloud: FakeCloud,
  provider: string,
  o: { showCredentials?: boolean; options?: EngineWiring['options'] } = {},
): EngineWiring {
  return {
    providers: fakeProviders([provider], { showCredentials: o.showCredentials }),
    tenants: fakeTenantBackend(cloud),
    kinds: fakeKinds(cloud),
    options: o.options ?? { schedules: false, runner: FAST_RUNNER },
  };
}
