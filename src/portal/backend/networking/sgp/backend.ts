/**
 * The OpenStack side of `/api/openstack-sgp/`: create (by marker, then by name among untagged groups) with
 * its rules, PATCH, delete, one-call list (Neutron embeds each group's rules), and the rule actions.
 * `set_rules` makes the group's rules exactly the ones given: it reads the group once, revokes what is not
 * wanted first (so a changed rule never collides with its old self), then adds the rest in one bulk POST.
 * Neutron's default egress rules are rules like any other there, as in Waldur.
 *
 * @example
 *   await setRules(scope, sgId, [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr: '0.0.0.0/0' }]);
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { ConflictError, NotFoundError } from '../../../../openstack/client/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
import * as rulesApi from '../../../../openstack/networking/v2/security-group-rules/index.ts';
import * as securityGroups from '../../../../openstack/networking/v2/security-groups/index.ts';
import type { BackendRecord, KindBackend, TenantScope } from '../../contract.ts';
import { createOnce } from '../shared/marker.ts';
import { LIST_PAGE, neutron, requireOwnGroups } from '../shared/scope.ts';
import { securityGroupRecord } from './fields.ts';
import { checkRule, checkRules, normalize, type RuleInput, ruleDiff, toNeutron } from './rules.ts';
import { checkName } from './schemas.ts';

export interface SecurityGroupSpec {
  name: string;
  description?: string;
  /** Given: the group's rules are exactly these; absent: Neutron's defaults stay. */
  rules?: RuleInput[];
}
export interface SecurityGroupPatch {
  name?: string;
  description?: string;
}

/** Remote groups must be the tenant's (the group itself needs no look-up). */
function requireRemoteGroups(
  scope: TenantScope,
  net: ServiceClient,
  id: string,
  rules: readonly RuleInput[],
): Promise<void> {
  const others = rules.map((r) => r.remote_group ?? id).filter((g) => g !== id);
  const at = rules.flatMap((r, i) => (r.remote_group && r.remote_group !== id ? [i] : []));
  return requireOwnGroups(scope, net, others, (k) => `body.rules[${at[k]}].remote_group`);
}

/** Makes the group's rules exactly `rules` (revoke first, then one bulk add); answers the group after. */
export async function setRules(
  scope: TenantScope,
  id: string,
  rules: readonly RuleInput[],
): Promise<BackendRecord> {
  checkRules(rules, 'body.rules');
  const net = await neutron(scope);
  await requireRemoteGroups(scope, net, id, rules);
  const group = await securityGroups.get(net, id);
  const { revoke, add } = ruleDiff(group.security_group_rules, rules.map(normalize));
  for (const ruleId of revoke) await rulesApi.removeIfExists(net, ruleId);
  if (add.length > 0) {
    await rulesApi.createMany(
      net,
      add.map((r) => ({ ...toNeutron(id, r), project_id: scope.projectId })),
    );
  }
  if (revoke.length === 0 && add.length === 0) return securityGroupRecord(group);
  return securityGroupRecord(await securityGroups.get(net, id));
}

/** Creates the group once per marker, then sets its rules when given (the tenant's default groups too). */
export async function createSecurityGroup(
  scope: TenantScope,
  spec: SecurityGroupSpec,
  marker: string,
): Promise<BackendRecord> {
  checkName(spec as unknown as Record<string, unknown>);
  if (spec.rules) checkRules(spec.rules, 'body.rules');
  const net = await neutron(scope);
  const g = await createOnce(net, 'security-groups', {
    marker,
    fallback: { names: [spec.name] },
    find: (f) => securityGroups.list(net, { project_id: scope.projectId, ...f }),
    create: () =>
      securityGroups.create(net, {
        project_id: scope.projectId,
        name: spec.name,
        description: spec.description ?? '',
      }),
  });
  return spec.rules ? setRules(scope, g.id, spec.rules) : securityGroupRecord(g);
}

export const securityGroupsBackend: KindBackend<SecurityGroupSpec, SecurityGroupPatch> = {
  kind: 'sgp',
  async list(scope) {
    const net = await neutron(scope);
    const all = await collect(securityGroups.list(net, { project_id: scope.projectId, limit: LIST_PAGE }));
    return all.map(securityGroupRecord);
  },
  async create(scope, spec, marker) {
    return { record: await createSecurityGroup(scope, spec, marker) };
  },
  async update(scope, backendId, patch) {
    checkName(patch as Record<string, unknown>);
    const net = await neutron(scope);
    return securityGroupRecord(await securityGroups.update(net, backendId, patch));
  },
  async delete(scope, backendId) {
    await securityGroups.removeIfExists(await neutron(scope), backendId);
  },
  actions: {
    set_rules: (scope, id, body) => setRules(scope, id, body.rules as RuleInput[]),
    async add_rule(scope, id, body) {
      checkRule(body as RuleInput, 'body');
      const net = await neutron(scope);
      const remote = (body as RuleInput).remote_group;
      if (remote && remote !== id) await requireOwnGroups(scope, net, [remote], () => 'body.remote_group');
      try {
        await rulesApi.create(net, {
          ...toNeutron(id, normalize(body as RuleInput)),
          project_id: scope.projectId,
        });
      } catch (e) {
        // the same rule exists already (a retried job, or it was there): done
        if (!(e instanceof ConflictError)) throw e;
      }
      return securityGroupRecord(await securityGroups.get(net, id));
    },
    async remove_rule(scope, id, body) {
      const net = await neutron(scope);
      const ruleId = body.rule_id as string;
      try {
        // the id comes from the caller and the connection is admin: only a rule of this group goes
        const rule = await rulesApi.get(net, ruleId);
        if (rule.security_group_id !== id) {
          throw new OsnetError('OSNET_ERR_NOT_FOUND', 'body.rule_id: no such rule in this group', {
            field: 'body.rule_id',
          });
        }
        await rulesApi.removeIfExists(net, ruleId);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      return securityGroupRecord(await securityGroups.get(net, id));
    },
  },
};
