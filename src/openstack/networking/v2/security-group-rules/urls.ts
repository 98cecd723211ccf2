/**
 * Paths of the security group rule API, relative to the Neutron endpoint.
 *
 * @example
 *   securityGroupRuleURL(id) // 'security-group-rules/<id>'
 */
import { requireId } from '../shared/validate.ts';

export const SECURITY_GROUP_RULES = 'security-group-rules';

export function securityGroupRuleURL(id: string): string {
  return `${SECURITY_GROUP_RULES}/${requireId(id, 'security group rule id')}`;
}
