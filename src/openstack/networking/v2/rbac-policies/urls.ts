/**
 * Paths of the RBAC policy API, relative to the Neutron endpoint.
 *
 * @example
 *   rbacPolicyURL(id) // 'rbac-policies/<id>'
 */
import { requireId } from '../shared/validate.ts';

export const RBAC_POLICIES = 'rbac-policies';

export function rbacPolicyURL(id: string): string {
  return `${RBAC_POLICIES}/${requireId(id, 'RBAC policy id')}`;
}
