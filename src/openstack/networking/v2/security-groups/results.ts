/**
 * The security group as Neutron returns it, with its rules.
 *
 * @example
 *   const ingress = sg.security_group_rules.filter((r) => r.direction === 'ingress');
 */
import type { SecurityGroupRule } from '../security-group-rules/results.ts';
import type { StandardAttrs } from '../shared/types.ts';

/** A security group with its rules. @example const sg: SecurityGroup = await securityGroups.get(net, id); */
export interface SecurityGroup extends StandardAttrs {
  name: string;
  /** False: stateless (no conntrack). */
  stateful: boolean;
  security_group_rules: SecurityGroupRule[];
  shared?: boolean;
}
