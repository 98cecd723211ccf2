/**
 * The engine's real parts: providers from the offerings table, the tenant backend, and every networking
 * kind with its schemas, in the order their routes are made. `osnet-portal serve` and the lab tests use
 * this; the engine's own tests use the fakes instead.
 *
 * @example
 *   const engine = realWiring(store, secrets, { options: engineOptions(flags) });
 *   await startPortal({ …, engine });
 */
import type { SecretBox } from '../../lib/secret-box.ts';
import type { KindBackend } from '../backend/contract.ts';
import { floatingIpsBackend } from '../backend/networking/floating-ips/backend.ts';
import { floatingIpSchemas } from '../backend/networking/floating-ips/schemas.ts';
import { rbacBackend } from '../backend/networking/network-rbac-policies/backend.ts';
import { rbacSchemas } from '../backend/networking/network-rbac-policies/schemas.ts';
import { networksBackend } from '../backend/networking/networks/backend.ts';
import { networkSchemas } from '../backend/networking/networks/schemas.ts';
import { portsBackend } from '../backend/networking/ports/backend.ts';
import { portSchemas } from '../backend/networking/ports/schemas.ts';
import { routersBackend } from '../backend/networking/routers/backend.ts';
import { routerSchemas } from '../backend/networking/routers/schemas.ts';
import { securityGroupsBackend } from '../backend/networking/sgp/backend.ts';
import { securityGroupSchemas } from '../backend/networking/sgp/schemas.ts';
import { subnetsBackend } from '../backend/networking/subnets/backend.ts';
import { subnetSchemas } from '../backend/networking/subnets/schemas.ts';
import { tenantBackend } from '../backend/tenant/index.ts';
import type { KindRoutes } from '../resources/register-kind.ts';
import type { EngineWiring } from '../server.ts';
import type { PortalStore } from '../store/index.ts';
import { type ProviderAccessOptions, providerAccess } from './provider-access.ts';

const k = (
  kind: string,
  backend: unknown,
  schemas: KindRoutes['schemas'],
  creates?: KindRoutes['creates'],
  aliases?: KindRoutes['aliases'],
) =>
  ({
    kind,
    backend: backend as KindBackend,
    schemas,
    ...(creates ? { creates } : {}),
    ...(aliases ? { aliases } : {}),
  }) satisfies KindRoutes;

/** The seed's rule paths (seed 001: `POST /api/openstack-sgp/{uuid}/rules/`, `DELETE …/rules/{rule_id}/`). */
const SEED_RULE_PATHS: KindRoutes['aliases'] = [
  { method: 'POST', path: 'rules/', action: 'add_rule' },
  { method: 'DELETE', path: 'rules/:rule_id/', action: 'remove_rule', params: { rule_id: 'rule_id' } },
];

export const NETWORKING_KINDS: readonly KindRoutes[] = [
  k('networks', networksBackend, networkSchemas, { create_subnet: { kind: 'subnets', field: 'network' } }),
  k('subnets', subnetsBackend, subnetSchemas),
  k('routers', routersBackend, routerSchemas),
  k('ports', portsBackend, portSchemas),
  k('floating-ips', floatingIpsBackend, floatingIpSchemas),
  k('sgp', securityGroupsBackend, securityGroupSchemas, undefined, SEED_RULE_PATHS),
  k('network-rbac-policies', rbacBackend, rbacSchemas),
];

export function realWiring(
  store: PortalStore,
  secrets: SecretBox | undefined,
  o: ProviderAccessOptions & { options?: EngineWiring['options'] } = {},
): EngineWiring & { close(): Promise<void> } {
  const providers = providerAccess(store, secrets, o);
  return {
    providers,
    tenants: tenantBackend,
    kinds: NETWORKING_KINDS,
    options: o.options,
    close: () => providers.close(),
  };
}
