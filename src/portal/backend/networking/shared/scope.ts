/**
 * Small pieces every networking backend shares: the Neutron client of a scope, and a page size for lists.
 *
 * @example
 *   const net = await neutron(scope);
 */
import { OsnetError } from '../../../../lib/errors.ts';
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
import * as networks from '../../../../openstack/networking/v2/networks/index.ts';
import * as rbacPolicies from '../../../../openstack/networking/v2/rbac-policies/index.ts';
import * as securityGroups from '../../../../openstack/networking/v2/security-groups/index.ts';
import type { TenantScope } from '../../contract.ts';

/** Page size of the one list per kind: big pages keep a tenant's pull to a few GETs. */
export const LIST_PAGE = 500;

/** The provider's Neutron client (admin, so every body names the tenant's project). */
export function neutron(scope: TenantScope): Promise<ServiceClient> {
  return scope.cloud.network();
}

/**
 * Refuses an object of another project. The provider's connection is admin, so Neutron itself would let a
 * body name another tenant's port or subnet; a refs check in the engine is per organisation, this is per
 * tenant.
 */
export function requireOwn(scope: TenantScope, obj: { project_id: string }, field: string): void {
  if (obj.project_id !== scope.projectId) {
    throw new OsnetError('OSNET_ERR_NOT_FOUND', `${field}: no such object in this tenant`, { field });
  }
}

/**
 * Refuses ids that are not security groups of the tenant (one list call for all of them); `field(i)` names
 * the field of the i-th id.
 */
export async function requireOwnGroups(
  scope: TenantScope,
  net: ServiceClient,
  ids: readonly string[],
  field: (i: number) => string,
): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const found = new Set<string>();
  for await (const g of securityGroups.list(net, {
    project_id: scope.projectId,
    ids: wanted,
    fields: ['id'],
  })) {
    found.add(g.id);
  }
  const i = ids.findIndex((id) => !found.has(id));
  if (i >= 0)
    throw new OsnetError('OSNET_ERR_NOT_FOUND', `${field(i)}: no such security group in this tenant`, {
      field: field(i),
    });
}

/** Refuses a network the tenant neither owns nor was given (shared to all, or by an RBAC policy). */
export async function requireUsableNetwork(
  scope: TenantScope,
  net: ServiceClient,
  id: string,
  field: string,
): Promise<void> {
  const n = await networks.get(net, id);
  if (n.project_id === scope.projectId || n.shared) return;
  for (const target of [scope.projectId, '*']) {
    const given = rbacPolicies.list(net, {
      object_type: 'network',
      object_id: id,
      target_tenant: target,
      action: 'access_as_shared',
    });
    for await (const _ of given) return;
  }
  throw new OsnetError('OSNET_ERR_NOT_FOUND', `${field}: no such network in this tenant`, { field });
}
