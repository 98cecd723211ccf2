/**
 * Paths of the RBAC policy API, relative to the Neutron endpoint.
 *
 * @example
 *   rbacPolicyURL(id) // 'rbac-policies/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(RBAC_POLICIES) */
export const RBAC_POLICIES = 'rbac-policies';

/** The path, relative to the Neutron endpoint. @example rbacPolicyURL(id) */
export function rbacPolicyURL(id: string): string {
  return `${RBAC_POLICIES}/${idSegment(id, 'RBAC policy id')}`;
}
