/**
 * The policy server assembled: the external API (Keystone tokens, HTTPS or loopback HTTP) and the internal
 * API (mutual TLS only) on their own listeners over one PolicyRepo, request metrics and a policy-count gauge
 * in the given registry, and the hooks an enforcer subscribes to (api/events.ts). The executable
 * (src/cmd/osnet-policy-server.ts) opens the store and Keystone; tests call this directly.
 *
 * @example
 *   const server = await startPolicyServer({ repo, tokens, log, prom, metrics,
 *     internal: { listen: '127.0.0.1:4003', tls: mutualTls({ ca, cert, key }) },
 *     external: { listen: '127.0.0.1:4002' } });
 *   server.hooks.onChange(() => reconciler.kick());
 *   await server.close();
 */
import type { Registry } from 'prom-client';
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { type App, createApp, listenOn } from '../server/app.ts';
import type { MutualTls, ServerTls } from '../server/tls.ts';
import type { ListenAddress } from '../service/listen.ts';
import { parseListen } from '../service/listen.ts';
import type { PromClient } from '../service/service.ts';
import type { TokenValidator } from './api/auth.ts';
import { type PolicyHooks, policyHub } from './api/events.ts';
import { registerExternalRoutes } from './api/external.ts';
import { registerInternalRoutes } from './api/internal.ts';
import type { PolicyRepo } from './model.ts';

export interface PolicyServerOptions {
  repo: PolicyRepo;
  tokens: TokenValidator;
  log: Logger;
  prom: PromClient;
  metrics: Registry;
  internal: { listen: string; tls: MutualTls };
  /** Without `tls`, plain HTTP, allowed on a loopback address only. Absent: no external API. */
  external?: { listen: string; tls?: ServerTls | undefined } | undefined;
}

export interface PolicyServer {
  internal: ListenAddress;
  external: ListenAddress | undefined;
  hooks: PolicyHooks;
  /** Stops accepting, lets in-flight requests finish, stops the loops. The repo is the caller's. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

function checkPlainHttp(listen: string): void {
  const a = parseListen(listen, '--external-listen');
  if ('host' in a && !LOOPBACK.test(a.host))
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `--external-listen ${listen}: plain HTTP carries Keystone tokens, so it is for loopback only; give --external-cert and --external-key`,
      { field: '--external-cert' },
    );
}

export async function startPolicyServer(o: PolicyServerOptions): Promise<PolicyServer> {
  if (o.external && !o.external.tls) checkPlainHttp(o.external.listen);
  const hub = policyHub(o.log);
  new o.prom.Gauge({
    name: 'osnet_policy_policies',
    help: 'Policies in the store',
    registers: [o.metrics],
    async collect() {
      this.set((await o.repo.listPolicies()).length);
    },
  });
  const base = { log: o.log, prom: o.prom, metrics: o.metrics };
  const internal = createApp({ ...base, name: 'internal', tls: o.internal.tls });
  registerInternalRoutes(internal, { repo: o.repo, hub });
  let external: App | undefined;
  if (o.external) {
    external = createApp({ ...base, name: 'external', tls: o.external.tls });
    registerExternalRoutes(external, { repo: o.repo, tokens: o.tokens, hub });
  }
  const apps = [internal, ...(external ? [external] : [])];
  try {
    const internalAddr = await listenOn(internal, o.internal.listen, '--internal-listen');
    const externalAddr =
      external && o.external ? await listenOn(external, o.external.listen, '--external-listen') : undefined;
    return {
      internal: internalAddr,
      external: externalAddr,
      hooks: hub,
      async close() {
        await Promise.all(apps.map((a) => a.close()));
        await hub.close();
      },
    };
  } catch (err) {
    await Promise.all(apps.map((a) => a.close()));
    throw err;
  }
}
