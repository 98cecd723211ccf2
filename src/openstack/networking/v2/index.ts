/**
 * Neutron v2.0 resources, one namespace each, all taking the network ServiceClient first.
 *
 * @example
 *   import { ports, networks } from './openstack/networking/v2/index.ts';
 *   const net = await cloud.network();
 *   const n = await networks.create(net, { name: 't-net' });
 *   const p = await ports.create(net, { network_id: n.id });
 */

export type { FixedIpFilter } from '../../resource/query.ts';
export * as extensions from './extensions/index.ts';
export * as floatingIps from './floating-ips/index.ts';
export * as networks from './networks/index.ts';
export * as ports from './ports/index.ts';
export * as quotas from './quotas/index.ts';
export * as rbacPolicies from './rbac-policies/index.ts';
export * as routers from './routers/index.ts';
export * as securityGroupRules from './security-group-rules/index.ts';
export * as securityGroups from './security-groups/index.ts';
export type { CommonListOpts, Listed, SortDir, StandardAttrs, UpdateOptions } from './shared/types.ts';
export * as subnets from './subnets/index.ts';
export * as tags from './tags/index.ts';
