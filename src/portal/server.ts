/**
 * osnet-portal assembled: the API on one listener over the portal store, the audit of failures, and the
 * OpenAPI document at `/api/schema/`. The executable (src/cmd/osnet-portal.ts) opens the store and the
 * secret key; tests call this directly.
 *
 * @example
 *   const portal = await startPortal({ store, log, prom, metrics, listen: '127.0.0.1:0' });
 *   await portal.close();
 */
import type { FastifySchema } from 'fastify';
import type { Registry } from 'prom-client';
import pkg from '../../package.json' with { type: 'json' };
import type { Logger } from '../lib/log.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import { createApp, listenOn } from '../server/app.ts';
import type { ServerTls } from '../server/tls.ts';
import type { ListenAddress } from '../service/listen.ts';
import type { PromClient } from '../service/service.ts';
import { auditFailures } from './api/audit.ts';
import type { PortalDeps } from './api/context.ts';
import { registerEventRoutes } from './api/events.ts';
import { registerIdentityRoutes } from './api/identity.ts';
import { openApiCollector } from './api/openapi.ts';
import { registerOrganisationRoutes } from './api/organisations.ts';
import { registerRoleRoutes } from './api/roles.ts';
import './error-codes.ts';
import { registerProviderRoutes } from './providers/routes.ts';
import type { PortalStore } from './store/index.ts';

export interface PortalOptions {
  store: PortalStore;
  log: Logger;
  prom: PromClient;
  metrics: Registry;
  listen: string;
  tls?: ServerTls | undefined;
  /** Encrypts provider and tenant secrets at rest (loaded and checked at start). */
  secrets?: SecretBox | undefined;
  tokenLifetimeSeconds?: number | undefined;
}

export interface Portal {
  address: ListenAddress;
  close(): Promise<void>;
}

export async function startPortal(o: PortalOptions): Promise<Portal> {
  const app = createApp({ name: 'portal', log: o.log, prom: o.prom, metrics: o.metrics, tls: o.tls });
  const deps: PortalDeps = {
    store: o.store,
    tokenLifetimeSeconds: o.tokenLifetimeSeconds,
    secrets: o.secrets,
  };
  const audit = auditFailures(deps);
  app.addHook('onError', audit.onError);
  app.addHook('onResponse', audit.onResponse);
  const doc = openApiCollector(app, { title: 'osnet-portal', version: pkg.version });
  app.get('/api/schema/', { schema: { hide: true } as FastifySchema }, async () => doc.document());
  registerIdentityRoutes(app, deps);
  registerOrganisationRoutes(app, deps);
  registerRoleRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerProviderRoutes(app, deps);
  try {
    const address = await listenOn(app, o.listen, '--listen');
    return { address, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}
