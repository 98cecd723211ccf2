/**
 * Security group rule calls (rules cannot be updated: delete and re-create). The create options are the
 * request body (`{"security_group_rule": {...}}`); list filters the query.
 *
 * @example
 *   await create(net, { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import {
  createOne,
  getOne,
  listAll,
  createMany as postMany,
  removeOne,
  removeOneIfExists,
} from '../shared/crud.ts';
import type { CommonListOpts, Listed } from '../shared/types.ts';
import { requireObject, requireOneOf, requireString } from '../shared/validate.ts';
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
  security_group_id?: string | undefined;
  direction?: Direction | undefined;
  ethertype?: EtherType | undefined;
  protocol?: string | undefined;
  port_range_min?: number | undefined;
  port_range_max?: number | undefined;
  remote_ip_prefix?: string | undefined;
  remote_group_id?: string | undefined;
}

function check(opts: CreateSecurityGroupRuleOpts, path: string): void {
  const body = requireObject(opts, path);
  requireString(body, 'security_group_id', path);
  requireOneOf(body, 'direction', ['ingress', 'egress'], path);
  requireOneOf(body, 'ethertype', ['IPv4', 'IPv6'], path, false);
}

/** Creates a rule. @example await create(net, { security_group_id, direction: 'egress' }) */
export function create(client: ServiceClient, opts: CreateSecurityGroupRuleOpts): Promise<SecurityGroupRule> {
  check(opts, 'security_group_rule');
  return createOne<SecurityGroupRule>(client, SECURITY_GROUP_RULES, 'security_group_rule', opts);
}

/** Creates several rules in one POST (all or none). @example await createMany(net, [r1, r2]) */
export function createMany(
  client: ServiceClient,
  opts: readonly CreateSecurityGroupRuleOpts[],
): Promise<SecurityGroupRule[]> {
  if (Array.isArray(opts)) for (const [i, o] of opts.entries()) check(o, `security_group_rules[${i}]`);
  return postMany<SecurityGroupRule>(client, SECURITY_GROUP_RULES, 'security_group_rules', opts);
}

/** One rule by id. @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<SecurityGroupRule> {
  return getOne<SecurityGroupRule>(client, securityGroupRuleURL(id), 'security_group_rule');
}

/** Rules matching the filters, paged lazily. @example for await (const r of list(net, { security_group_id })) {} */
export function list<F extends ListSecurityGroupRulesOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<SecurityGroupRule, F>, void, undefined> {
  return listAll<SecurityGroupRule, F>(client, SECURITY_GROUP_RULES, 'security_group_rules', filters as F);
}

/** Deletes a rule. @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, securityGroupRuleURL(id));
}

/** Deletes a rule; false when it was already gone. @example await removeIfExists(net, id) */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, securityGroupRuleURL(id));
}
