// Integration: the security groups backend against the lab's Neutron, in a throwaway project.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import { securityGroupRules, securityGroups } from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import { markerTag } from '../shared/marker.ts';
import { securityGroupsBackend } from './backend.ts';
import { fromNeutron, normalize, type RuleInput, ruleKey } from './rules.ts';
import { securityGroupSchemas } from './schemas.ts';

let t: NetworkingScope;
const marker = () => randomUUID().replaceAll('-', '');
const act = (name: string) => securityGroupsBackend.actions![name]!;
const ssh: RuleInput = { protocol: 'tcp', from_port: 22, to_port: 22, cidr: '0.0.0.0/0' };
const ping: RuleInput = { protocol: 'icmp', from_port: -1, to_port: -1, cidr: '0.0.0.0/0' };
const web: RuleInput = {
  protocol: 'tcp',
  from_port: 80,
  to_port: 443,
  cidr: '10.0.0.0/8',
  description: 'web',
};
const egress: RuleInput = { direction: 'egress', ethertype: 'IPv6' };

/** The group's rules in Neutron, as comparable keys. */
async function neutronRules(id: string): Promise<string[]> {
  return (await securityGroups.get(t.net, id)).security_group_rules
    .map((r) => ruleKey(fromNeutron(r)))
    .sort();
}
const keys = (rules: RuleInput[]) => rules.map((r) => ruleKey(normalize(r))).sort();

before(async () => {
  t = await networkingScope('psgp');
});
after(() => t.close());

test('create twice with one marker makes one group whose rules are exactly those given', async () => {
  const m = marker();
  const spec = { name: 'ssh-ping', rules: [ssh, ping] };
  const a = await securityGroupsBackend.create(t.scope, spec, m);
  const b = await securityGroupsBackend.create(t.scope, spec, m);
  assert.equal(a.record.backend_id, b.record.backend_id);
  const tagged = await collect(securityGroups.list(t.net, { tags: [markerTag(m)] }));
  assert.equal(tagged.length, 1);
  assert.equal(tagged[0]!.project_id, t.scope.projectId);
  // Neutron's default egress rules are gone: the group has exactly the rules asked for, as in Waldur
  assert.deepEqual(await neutronRules(a.record.backend_id), keys([ssh, ping]));
  const shown = (a.record.fields.rules as { id: string; protocol: string; from_port: number }[]).map(
    (r) => `${r.protocol}:${r.from_port}`,
  );
  assert.deepEqual(shown.sort(), ['icmp:-1', 'tcp:22']);
});

test('set_rules revokes what is not wanted and adds the rest in one bulk POST; the kept rule keeps its id', async () => {
  const { record } = await securityGroupsBackend.create(
    t.scope,
    { name: 'set', rules: [ssh, ping] },
    marker(),
  );
  const sshId = (await securityGroups.get(t.net, record.backend_id)).security_group_rules
    .map(fromNeutron)
    .find((r) => r.protocol === 'tcp')!.id;
  const { scope, calls } = t.counting();
  const after = await act('set_rules')(scope, record.backend_id, { rules: [ssh, web, egress] });
  const posts = calls.filter((c) => c.startsWith('POST'));
  assert.equal(posts.length, 1, calls.join('\n'));
  assert.equal(calls.filter((c) => c.startsWith('DELETE')).length, 1); // ping
  assert.deepEqual(await neutronRules(record.backend_id), keys([ssh, web, egress]));
  assert.ok((after!.fields.rules as { id: string }[]).some((r) => r.id === sshId));
  // the same set again changes nothing
  const again = t.counting();
  await act('set_rules')(again.scope, record.backend_id, { rules: [ssh, web, egress] });
  assert.deepEqual(
    again.calls.filter((c) => !c.startsWith('GET')),
    [],
  );
  await act('set_rules')(t.scope, record.backend_id, { rules: [] });
  assert.deepEqual(await neutronRules(record.backend_id), []);
});

test('add_rule twice adds one; remove_rule twice is fine; a rule of another group is refused', async () => {
  const { record } = await securityGroupsBackend.create(t.scope, { name: 'rules', rules: [] }, marker());
  await act('add_rule')(t.scope, record.backend_id, web as Record<string, unknown>);
  const after = await act('add_rule')(t.scope, record.backend_id, web as Record<string, unknown>);
  const rules = after!.fields.rules as { id: string }[];
  assert.equal(rules.length, 1);
  assert.deepEqual(await neutronRules(record.backend_id), keys([web]));

  const other = await securityGroupsBackend.create(t.scope, { name: 'other', rules: [ssh] }, marker());
  const otherRule = (other.record.fields.rules as { id: string }[])[0]!.id;
  await assert.rejects(
    act('remove_rule')(t.scope, record.backend_id, { rule_id: otherRule }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.rule_id',
  );
  assert.ok(await securityGroupRules.get(t.net, otherRule));

  await act('remove_rule')(t.scope, record.backend_id, { rule_id: rules[0]!.id });
  const gone = await act('remove_rule')(t.scope, record.backend_id, { rule_id: rules[0]!.id });
  assert.deepEqual(gone!.fields.rules, []);
});

test("Waldur's rule checks name the field", () => {
  const check = securityGroupSchemas.check!;
  const bad = (fn: () => void, field: string) =>
    assert.throws(fn, (e: unknown) => e instanceof OsnetError && e.field === field);
  bad(() => check.add_rule!({ protocol: 'tcp', from_port: 100, to_port: 10 }), 'body.from_port');
  bad(() => check.add_rule!({ protocol: 'tcp', from_port: 0, to_port: 10 }), 'body.from_port');
  bad(() => check.add_rule!({ protocol: 'udp', from_port: 10, to_port: 70000 }), 'body.to_port');
  bad(() => check.add_rule!({ protocol: 'icmp', from_port: 300 }), 'body.from_port');
  bad(() => check.add_rule!({ protocol: 'sctp' }), 'body.protocol');
  bad(() => check.add_rule!({ from_port: 22, to_port: 22 }), 'body.from_port');
  bad(() => check.add_rule!({ cidr: 'fd00::/64' }), 'body.cidr');
  bad(() => check.add_rule!({ cidr: '10.0.0.0/8', remote_group: 'x' }), 'body.remote_group');
  bad(() => check.set_rules!({ rules: [ssh, { ...ssh }] }), 'body.rules[1]');
  bad(() => check.create!({ name: 'default' }), 'body.name');
  assert.doesNotThrow(() => check.set_rules!({ rules: [ssh, ping, web, egress] }));
});

test('PATCH, list in one call with an out-of-band group, delete twice', async () => {
  const { record } = await securityGroupsBackend.create(t.scope, { name: 'patch-me' }, marker());
  await securityGroupsBackend.update!(t.scope, record.backend_id, { name: 'patched', description: 'd' });
  const g = await securityGroups.get(t.net, record.backend_id);
  assert.equal(g.name, 'patched');
  assert.equal(g.description, 'd');
  const { scope: counted0, calls: calls0 } = t.counting();
  await assert.rejects(
    securityGroupsBackend.update!(counted0, record.backend_id, { name: 'default' }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.name',
  );
  await assert.rejects(
    securityGroupsBackend.create(counted0, { name: 'default' }, marker()),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.name',
  );
  assert.deepEqual(calls0, []);
  const oob = await securityGroups.create(t.net, { name: 'oob', project_id: t.scope.projectId });
  const { scope, calls } = t.counting();
  const listed = await securityGroupsBackend.list(scope);
  assert.equal(calls.length, 1, calls.join('\n'));
  const found = listed.find((r) => r.backend_id === oob.id);
  assert.equal((found!.fields.rules as unknown[]).length, 2); // Neutron's default egress pair
  await securityGroupsBackend.delete(t.scope, oob.id);
  await securityGroupsBackend.delete(t.scope, oob.id);
  assert.equal(await securityGroups.removeIfExists(t.net, oob.id), false);
});

test("a remote group of another tenant is refused naming the field; the tenant's own is taken", async () => {
  const other = await t.otherProject('psgp2');
  const theirs = await securityGroups.create(t.net, { name: 'theirs', project_id: other });
  const { record } = await securityGroupsBackend.create(t.scope, { name: 'remote', rules: [] }, marker());
  const mine = await securityGroupsBackend.create(t.scope, { name: 'peer', rules: [] }, marker());
  await assert.rejects(
    act('set_rules')(t.scope, record.backend_id, {
      rules: [ssh, { protocol: 'tcp', remote_group: theirs.id }],
    }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.rules[1].remote_group',
  );
  await assert.rejects(
    act('add_rule')(t.scope, record.backend_id, { remote_group: theirs.id }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.remote_group',
  );
  assert.deepEqual(await neutronRules(record.backend_id), []);
  const rules = [
    { remote_group: mine.record.backend_id },
    { remote_group: record.backend_id, direction: 'egress' as const },
  ];
  await act('set_rules')(t.scope, record.backend_id, { rules });
  assert.deepEqual(await neutronRules(record.backend_id), keys(rules));
});
