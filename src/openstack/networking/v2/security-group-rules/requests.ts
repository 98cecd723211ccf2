/**
 * Security group rule calls (rules cannot be updated: delete and re-create). The create options are the
 * request body (`{"security_group_rule": {...}}`); list filters the query.
 *
 * @example
 *   await create(net, { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
 */
import { resource } from '../../../resource/resource.ts';
import { requireOneOf, requireString } from '../../../resource/validate.ts';
import type { CommonListOpts } from '../shared/types.ts';
import type { Direction, EtherType, SecurityGroupRule } from './results.ts';
import { SECURITY_GROUP_RULES, securityGroupRuleURL } from './urls.ts';

/** Request body of a rule create. */
export interface CreateSecurityGroupRuleOpts {
  security_group_id: string;
  direction: Direction;
  /** Default IPv4. */
  ethertype?: EtherType;
  protocol?: string | number | null;
  port_range_min?: number | null;
  port_range_max?: number | null;
  remote_ip_prefix?: string | null;
  remote_group_id?: string | null;
  remote_address_group_id?: string | null;
  description?: string;
  /** Admin only. */
  project_id?: string;
}

/** Query filters of a rule list. */
export interface ListSecurityGroupRulesOpts
  extends Omit<
    CommonListOpts<SecurityGroupRule>,
    'tags' | 'tags-any' | 'not-tags' | 'not-tags-any' | 'names'
  > {
  /** Several ids: rules of any of these groups (repeated `security_group_id=`, one call for many groups). */
  security_group_id?: string | readonly string[] | undefined;
  direction?: Direction | undefined;
  ethertype?: EtherType | undefined;
  protocol?: string | undefined;
  port_range_min?: number | undefined;
  port_range_max?: number | undefined;
  remote_ip_prefix?: string | undefined;
  remote_group_id?: string | readonly string[] | undefined;
}

/**
 * create, createMany (one POST: all or none), get, list, remove, removeIfExists; rules have no update.
 *
 * @example
 *   await createMany(net, [{ security_group_id: sg, direction: 'ingress', protocol: 'tcp' }]);
 */
export const { create, createMany, get, list, remove, removeIfExists } = resource<
  SecurityGroupRule,
  CreateSecurityGroupRuleOpts,
  never,
  ListSecurityGroupRulesOpts
>({
  badInput: 'throws',
  name: 'security_group_rule',
  plural: 'security_group_rules',
  collection: SECURITY_GROUP_RULES,
  item: securityGroupRuleURL,
  checkCreate(body, path) {
    requireString(body, 'security_group_id', path);
    requireOneOf(body, 'direction', ['ingress', 'egress'], path);
    requireOneOf(body, 'ethertype', ['IPv4', 'IPv6'], path, false);
  },
});
