/**
 * `/api/openstack-sgp/` (the seed's path; Waldur serves it as `/api/openstack-security-groups/`, view
 * name `openstack-sgp`): create with rules, PATCH (name, description), delete, and rule actions:
 * `set_rules` (`{rules: [...]}`, replaces all), `add_rule` (one rule: the seed's `POST …/rules/`) and
 * `remove_rule` (`{rule_id}`: the seed's `DELETE …/rules/{rule_id}/`).
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindSchemas } from '../../contract.ts';
import { invalid } from '../shared/net-input.ts';
import { CidrString, closed, Description, Ref } from '../shared/schemas.ts';
import { checkRule, checkRules, type RuleInput } from './rules.ts';

const Port = Type.Integer({ minimum: -1, maximum: 65535 });
const RuleBody = {
  ethertype: Type.Optional(Type.Union([Type.Literal('IPv4'), Type.Literal('IPv6')])),
  direction: Type.Optional(Type.Union([Type.Literal('ingress'), Type.Literal('egress')])),
  protocol: Type.Optional(
    Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('icmp'), Type.Literal('')]),
  ),
  from_port: Type.Optional(Port),
  to_port: Type.Optional(Port),
  cidr: Type.Optional(Type.Union([CidrString, Type.Null()])),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  remote_group: Type.Optional(Type.Union([Ref, Type.Null()])),
};
export const RuleSchema = Type.Object(RuleBody, closed);
const Rules = Type.Array(RuleSchema, { maxItems: 200 });
const GroupName = Type.String({ minLength: 1, maxLength: 150, not: { const: 'default' } });

export const SecurityGroupCreate = Type.Object(
  { tenant: Ref, name: GroupName, description: Type.Optional(Description), rules: Type.Optional(Rules) },
  closed,
);
export const SecurityGroupPatch = Type.Object(
  { name: Type.Optional(GroupName), description: Type.Optional(Description) },
  closed,
);
export const SetRules = Type.Object({ rules: Rules }, closed);
export const RemoveRule = Type.Object({ rule_id: Type.String({ minLength: 1, maxLength: 64 }) }, closed);

export const SecurityGroupFields = Type.Object({
  rules: Type.Array(
    Type.Object({
      id: Type.String(),
      ethertype: Type.String(),
      direction: Type.String(),
      protocol: Type.String(),
      from_port: Type.Integer(),
      to_port: Type.Integer(),
      cidr: Type.Union([Type.String(), Type.Null()]),
      description: Type.String(),
      remote_group: Type.Union([Type.String(), Type.Null()], {
        description: "the remote group's URL (null: none, or not a group of the tenant in the portal)",
      }),
      remote_group_uuid: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      remote_group_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
  ),
});

type Body = Record<string, unknown>;

export function checkName(body: Body): void {
  // the project's "default" group is Neutron's own (Waldur refuses the name too)
  if (body.name === 'default') throw invalid('body.name', '"default" is managed by OpenStack itself');
}

export const securityGroupSchemas: KindSchemas = {
  fields: SecurityGroupFields,
  create: SecurityGroupCreate,
  patch: SecurityGroupPatch,
  actions: { set_rules: SetRules, add_rule: RuleSchema, remove_rule: RemoveRule },
  refs: {
    tenant: 'tenants',
    'rules.remote_group': 'sgp',
    'set_rules.rules.remote_group': 'sgp',
    'add_rule.remote_group': 'sgp',
  },
  shows: { 'rules.remote_group': 'sgp' },
  check: {
    create: (b) => {
      checkName(b);
      checkRules((b.rules ?? []) as RuleInput[], 'body.rules');
    },
    patch: checkName,
    set_rules: (b) => checkRules(b.rules as RuleInput[], 'body.rules'),
    add_rule: (b) => checkRule(b as RuleInput, 'body'),
  },
};
