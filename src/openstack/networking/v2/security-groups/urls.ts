/**
 * Paths of the security group API, relative to the Neutron endpoint.
 *
 * @example
 *   securityGroupURL(id) // 'security-groups/<id>'
 */
import { requireId } from '../shared/validate.ts';

/** The collection path. @example client.get(SECURITY_GROUPS) */
export const SECURITY_GROUPS = 'security-groups';

/** The path, relative to the Neutron endpoint. @example securityGroupURL(id) */
export function securityGroupURL(id: string): string {
  return `${SECURITY_GROUPS}/${requireId(id, 'security group id')}`;
}
