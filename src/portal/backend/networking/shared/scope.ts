/**
 * Small pieces every networking backend shares: the Neutron client of a scope, and a page size for lists.
 *
 * @example
 *   const net = await neutron(scope);
 */
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
import type { TenantScope } from '../../contract.ts';

/** Page size of the one list per kind: big pages keep a tenant's pull to a few GETs. */
export const LIST_PAGE = 500;

/** The provider's Neutron client (admin, so every body names the tenant's project). */
export function neutron(scope: TenantScope): Promise<ServiceClient> {
  return scope.cloud.network();
}
