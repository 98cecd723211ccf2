/**
 * Paths of the security group API, relative to the Neutron endpoint.
 *
 * @example
 *   securityGroupURL(id) // 'security-groups/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(SECURITY_GROUPS) */
export const SECURITY_GROUPS = 'security-groups';

/** The path, relative to the Neutron endpoint. @example securityGroupURL(id) */
export function securityGroupURL(id: string): string {
  return `${SECURITY_GROUPS}/${idSegment(id, 'security group id')}`;
}
