/**
 * Paths of the security group rule API, relative to the Neutron endpoint.
 *
 * @example
 *   securityGroupRuleURL(id) // 'security-group-rules/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(SECURITY_GROUP_RULES) */
export const SECURITY_GROUP_RULES = 'security-group-rules';

/** The path, relative to the Neutron endpoint. @example securityGroupRuleURL(id) */
export function securityGroupRuleURL(id: string): string {
  return `${SECURITY_GROUP_RULES}/${idSegment(id, 'security group rule id')}`;
}
