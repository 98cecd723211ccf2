/**
 * Small pieces every networking backend shares: the Neutron client of a scope, and a page size for lists.
 *
 * @example
 *   const net = await neutron(scope);
 */
import { OsnetError } from '../../../../lib/errors.ts';
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
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
