/**
 * The networking kinds of the portal, each a KindBackend with its KindSchemas (contract.ts), for the
 * engine to register as `/api/openstack-<kind>/` routes. The create functions the tenant backend reuses
 * for a tenant's first network, subnet, router and security groups are exported too.
 *
 * @example
 *   for (const { backend, schemas } of NETWORKING_KINDS) registerKind(app, deps, { kind: backend.kind, backend, schemas });
 */
import type { KindBackend, KindSchemas } from '../contract.ts';
import { floatingIpsBackend } from './floating-ips/backend.ts';
import { floatingIpSchemas } from './floating-ips/schemas.ts';
import { rbacBackend } from './network-rbac-policies/backend.ts';
import { rbacSchemas } from './network-rbac-policies/schemas.ts';
import { networksBackend } from './networks/backend.ts';
import { networkSchemas } from './networks/schemas.ts';
import { portsBackend } from './ports/backend.ts';
import { portSchemas } from './ports/schemas.ts';
import { routersBackend } from './routers/backend.ts';
import { routerSchemas } from './routers/schemas.ts';
import { securityGroupsBackend } from './sgp/backend.ts';
import { securityGroupSchemas } from './sgp/schemas.ts';
import { subnetsBackend } from './subnets/backend.ts';
import { subnetSchemas } from './subnets/schemas.ts';

export interface NetworkingKind {
  // each backend has its own Spec/Patch types; the engine hands them validated, resolved bodies
  // biome-ignore lint/suspicious/noExplicitAny: the list holds kinds of different body types
  backend: KindBackend<any, any>;
  schemas: KindSchemas;
}

/** Every networking kind, parents before children (networks before subnets and ports). */
export const NETWORKING_KINDS: readonly NetworkingKind[] = [
  { backend: networksBackend, schemas: networkSchemas },
  { backend: subnetsBackend, schemas: subnetSchemas },
  { backend: routersBackend, schemas: routerSchemas },
  { backend: portsBackend, schemas: portSchemas },
  { backend: floatingIpsBackend, schemas: floatingIpSchemas },
  { backend: securityGroupsBackend, schemas: securityGroupSchemas },
  { backend: rbacBackend, schemas: rbacSchemas },
];

export { createFloatingIp } from './floating-ips/backend.ts';
export { createNetwork } from './networks/backend.ts';
export {
  addRouterInterface,
  createRouter,
  removeRouterInterface,
  setRouterGateway,
} from './routers/backend.ts';
export { createSecurityGroup, setRules } from './sgp/backend.ts';
export type { RuleInput } from './sgp/rules.ts';
export { markerOf, markerTag } from './shared/marker.ts';
export { connectSubnet, createSubnet, disconnectSubnet, tenantRouters } from './subnets/backend.ts';
