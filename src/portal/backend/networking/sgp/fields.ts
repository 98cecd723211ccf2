/**
 * A Neutron security group as the portal shows it: name, description and `rules` in Waldur's shape
 * (rules.ts), each with its Neutron id (the `rule_id` of `remove_rule`), sorted so a pull compares stably.
 *
 * @example
 *   const record = securityGroupRecord(await securityGroups.get(net, id));
 */
import type { SecurityGroup } from '../../../../openstack/networking/v2/security-groups/results.ts';
import type { BackendRecord } from '../../contract.ts';
import { markerOf } from '../shared/marker.ts';
import { fromNeutron, ruleKey } from './rules.ts';

export function securityGroupRecord(g: SecurityGroup): BackendRecord {
  const rules = (g.security_group_rules ?? []).map(fromNeutron);
  rules.sort((a, b) => ruleKey(a).localeCompare(ruleKey(b)) || a.id.localeCompare(b.id));
  return {
    backend_id: g.id,
    name: g.name,
    description: g.description ?? '',
    marker: markerOf(g.tags),
    fields: { rules },
  };
}
