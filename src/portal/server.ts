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
import type { TenantBackend } from './backend/contract.ts';
import './error-codes.ts';
import type { ProviderAccess } from './jobs/engine.ts';
import { type Engine, type EngineOptions, startEngine } from './jobs/index.ts';
import { registerJobRoutes } from './jobs/routes.ts';
import { registerProviderRoutes } from './providers/routes.ts';
import { type KindRoutes, registerKind } from './resources/register-kind.ts';
import type { PortalStore } from './store/index.ts';
import { registerTenantRoutes } from './tenants/routes.ts';

/** The resource and job engine's parts: how to reach providers, the tenant backend, the kinds served. */
export interface EngineWiring {
  providers: ProviderAccess;
  tenants: TenantBackend;
  kinds: readonly KindRoutes[];
  options?: Omit<EngineOptions, 'store' | 'log' | 'providers' | 'tenants' | 'kinds' | 'secrets'> | undefined;
}

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
  /** Tenants, resources and jobs (`/api/openstack-*`, `/api/jobs/`); absent: identity and audit only. */
  engine?: EngineWiring | undefined;
}

export interface Portal {
  address: ListenAddress;
  engine?: Engine | undefined;
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
  const engine = o.engine
    ? startEngine({
        ...o.engine.options,
        store: o.store,
        log: o.log,
        providers: o.engine.providers,
        tenants: o.engine.tenants,
        secrets: o.secrets,
        tokenLifetimeSeconds: o.tokenLifetimeSeconds,
      })
    : undefined;
  const close = async () => {
    await app.close();
    await engine?.stop();
  };
  try {
    if (engine && o.engine) {
      // every kind known before any route is made: an action may create into a kind registered later
      for (const k of o.engine.kinds)
        engine.deps.kinds.set(k.kind, { backend: k.backend, schemas: k.schemas });
      for (const k of o.engine.kinds) registerKind(app, engine.deps, k);
      registerTenantRoutes(app, engine.deps);
      registerJobRoutes(app, engine.deps);
    }
    const address = await listenOn(app, o.listen, '--listen');
    return { address, engine, close };
  } catch (err) {
    await close();
    throw err;
  }
}
