// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
// The store is the real embedded one (testPolicyRepo); Neutron is the lab's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as prom from 'prom-client';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/log.ts';
import { collect } from '../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import * as networks from '../../openstack/networking/v2/networks/index.ts';
import * as ports from '../../openstack/networking/v2/ports/index.ts';
import * as rules from '../../openstack/networking/v2/security-group-rules/index.ts';
import * as securityGroups from '../../openstack/networking/v2/security-groups/index.ts';
import { runTag } from '../../testing/openstack/counting-client.ts';
import { labFixture } from '../../testing/openstack/fixture.ts';
import { testName } from '../../testing/openstack/lab.ts';
import { testPolicyRepo } from '../../testing/policy/repo.ts';
import type { Policy, PolicyRepo } from '../model.ts';
import { groupName } from './naming.ts';
import { createReconciler, type Report } from './reconciler.ts';

const lab = labFixture(['lab-admin', 'lab-demo'], 'network');
const { cleanup } = lab;
const tag = runTag();
const log = createLogger('test', { level: 'silent' });
let admin: ServiceClient;
let demo: ServiceClient;
let demoProject: string;

const id = (app: string) => `${tag}-${app}`;
const policy = (src: string, dst: string, protocol: 'tcp' | 'udp', start: number, end = start): Policy => ({
  source: id(src),
  destination: id(dst),
  protocol,
  ports: { start, end },
});

before(async () => {
  const [clouds, clients] = await lab.open();
  [admin, demo] = clients;
  demoProject = (await clouds[1].token()).projectId!;
});

after(() => lab.close());

let made = 0;

/** A reconciler of its own group tag (tests do not see each other's groups) over a fresh store. */
async function reconciler(extra: { maxWritesPerPass?: number; registry?: Registry; log?: typeof log } = {}) {
  const groupTag = `${tag}-${++made}`;
  // whatever this reconciler made, however the test ended
  cleanup.defer(async () => {
    for (const sg of await collect(securityGroups.list(admin, { tags: [groupTag], fields: ['id'] })))
      await securityGroups.removeIfExists(admin, sg.id);
  });
  const store = await testPolicyRepo();
  cleanup.defer(() => store.close());
  const { repo } = store;
  const make = () =>
    createReconciler({
      repo,
      neutron: admin,
      defaultProjectId: demoProject,
      log: extra.log ?? log,
      groupTag,
      ...(extra.maxWritesPerPass ? { maxWritesPerPass: extra.maxWritesPerPass } : {}),
      ...(extra.registry ? { metrics: { prom, registry: extra.registry } } : {}),
    });
  // `restarted`: a new reconciler over the same store and Neutron, as after a server restart
  return { repo, r: make(), restarted: make, inNeutron: () => neutronView(groupTag) };
}

/** Neutron's view: group name → { id, ingress rules as "proto min-max from <group name> ethertype" }. */
async function neutronView(groupTag: string) {
  const sgs = await collect(securityGroups.list(admin, { tags: [groupTag] }));
  const nameOf = new Map(sgs.map((s) => [s.id, s.name]));
  const out: Record<string, { id: string; description: string; project: string; ingress: string[] }> = {};
  for (const sg of sgs) {
    const ingress = (await collect(rules.list(admin, { security_group_id: sg.id, direction: 'ingress' })))
      .map(
        (x) =>
          `${x.protocol} ${x.port_range_min}-${x.port_range_max} from ${nameOf.get(x.remote_group_id ?? '') ?? x.remote_group_id ?? x.remote_ip_prefix} ${x.ethertype}`,
      )
      .sort();
    out[sg.name] = { id: sg.id, description: sg.description, project: sg.project_id, ingress };
  }
  return out;
}

const both = (s: string) => [`${s} IPv4`, `${s} IPv6`];

/** App name → its security group name. */
async function namesOf(repo: PolicyRepo): Promise<Record<string, string>> {
  return Object.fromEntries((await repo.groups()).map((g) => [g.id.slice(tag.length + 1), groupName(g.tag)]));
}

const writes = (rep: Report) => rep.writes;

test('groups and rules follow the policies: created, changed, deleted; a second pass writes nothing', async () => {
  const { repo, r, restarted, inNeutron } = await reconciler();
  await repo.createPolicies([policy('b', 'a', 'tcp', 8080), policy('c', 'a', 'udp', 5000, 5010)]);
  const first = await r.reconcile();
  assert.equal(first.groups.created, 3);
  assert.equal(first.rules.created, 4, 'two policies, IPv4 and IPv6 each');
  assert.deepEqual(first.errors, []);
  assert.ok(first.reads <= 2, `one list of groups, one of rules: ${first.reads} reads`);
  const n = await namesOf(repo);
  let view = await inNeutron();
  assert.deepEqual(Object.keys(view).sort(), [n.a, n.b, n.c].sort());
  assert.equal(view[n.a!]!.description, id('a'));
  assert.equal(
    view[n.a!]!.project,
    demoProject,
    'a group registered without a project goes to the default one',
  );
  assert.deepEqual(
    view[n.a!]!.ingress,
    [...both(`tcp 8080-8080 from ${n.b}`), ...both(`udp 5000-5010 from ${n.c}`)].sort(),
  );
  assert.deepEqual(view[n.b!]!.ingress, [], 'a membership group has no ingress rules of its own');
  // the demo project sees its groups and their rules (the CNI daemon reads them as that project's user)
  const mine = await securityGroups.get(demo, view[n.a!]!.id);
  assert.equal(mine.security_group_rules.filter((x) => x.direction === 'ingress').length, 4);

  assert.equal(writes(await r.reconcile()), 0, 'nothing changed: nothing written');
  assert.equal(writes(await restarted().reconcile()), 0, 'a restarted server changes nothing');

  await repo.deletePolicies([policy('c', 'a', 'udp', 5000, 5010)]);
  await repo.createPolicies([policy('a', 'b', 'tcp', 9000, 9001)]);
  const changed = await r.reconcile();
  assert.equal(changed.rules.created, 2);
  assert.equal(changed.rules.deleted, 2);
  assert.equal(changed.groups.created, 0);
  view = await inNeutron();
  assert.deepEqual(view[n.a!]!.ingress, both(`tcp 8080-8080 from ${n.b}`));
  assert.deepEqual(view[n.b!]!.ingress, both(`tcp 9000-9001 from ${n.a}`));
  assert.equal(writes(await r.reconcile()), 0);

  // app c deleted from the store: no port uses its group, so the group goes
  await repo.pruneGroups([id('a'), id('b')]);
  const pruned = await r.reconcile();
  assert.equal(pruned.groups.deleted, 1);
  assert.deepEqual(pruned.groups.kept, []);
  assert.equal(n.c! in (await inNeutron()), false);
  assert.equal(writes(await r.reconcile()), 0);
});

/**
 * Neutron's duplicate check (409) is check-then-insert: concurrent creates of one rule can all succeed.
 * That is how duplicates reach a real Neutron, so the test makes one that way.
 */
async function raceDuplicate(body: rules.CreateSecurityGroupRuleOpts): Promise<number> {
  for (let round = 0; round < 20; round++) {
    const made = await Promise.allSettled(Array.from({ length: 8 }, () => rules.create(demo, body)));
    const ok = made.flatMap((m) => (m.status === 'fulfilled' ? [m.value.id] : []));
    if (ok.length > 1) return ok.length;
    for (const x of ok) await rules.remove(demo, x);
  }
  throw new Error('20 rounds of 8 concurrent creates made no duplicate rule');
}

test('drift is repaired and reported: a rule deleted, a duplicate and an extra rule added, a group deleted by hand', async () => {
  const registry = new Registry();
  const lines: string[] = [];
  const captured = createLogger('test', { level: 'info' }, { write: (l: string) => void lines.push(l) });
  const { repo, r, inNeutron } = await reconciler({ log: captured, registry });
  await repo.createPolicies([
    policy('b', 'a', 'tcp', 8080),
    policy('a', 'c', 'tcp', 443),
    policy('b', 'c', 'udp', 53),
  ]);
  const first = await r.reconcile();
  const n = await namesOf(repo);
  const clean = await inNeutron();
  assert.deepEqual(first.errors, []);
  assert.equal(first.writes, 3 * 2 + 2, 'three groups (create, tag), one bulk POST per destination group');

  const a = clean[n.a!]!.id;
  const b = clean[n.b!]!.id;
  const onA = await collect(rules.list(demo, { security_group_id: a, direction: 'ingress' }));
  const v4 = onA.find((x) => x.ethertype === 'IPv4')!;
  await rules.remove(demo, v4.id); // deleted by hand
  const copies = await raceDuplicate({
    security_group_id: a,
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: 'tcp',
    port_range_min: 8080,
    port_range_max: 8080,
    remote_group_id: b,
  });
  await rules.create(demo, {
    security_group_id: b,
    direction: 'ingress',
    protocol: 'tcp',
    port_range_min: 22,
    port_range_max: 22,
    remote_ip_prefix: '0.0.0.0/0',
  });
  await securityGroups.remove(admin, clean[n.c!]!.id); // the whole group, with its rules
  lines.length = 0;

  const fixed = await r.reconcile();
  assert.deepEqual(fixed.errors, []);
  assert.equal(fixed.rules.duplicates, copies - 1, `${copies} copies of one rule: all but one deleted`);
  assert.equal(fixed.rules.deleted, 1, 'the rule added by hand');
  assert.equal(fixed.groups.created, 1, 'the group deleted by hand');
  assert.equal(fixed.rules.created, 4, "c's group is new: its four rules again");
  const repaired = await inNeutron();
  for (const app of ['a', 'b', 'c'])
    assert.deepEqual(repaired[n[app]!]!.ingress, clean[n[app]!]!.ingress, app);

  const text = lines.join('');
  assert.match(text, /duplicate policy rule deleted/);
  assert.match(text, /extra policy rule deleted/);
  assert.match(text, /policy reconcile corrected Neutron/);
  const drift = await registry.getSingleMetric('osnet_policy_drift_corrected_total')!.get();
  const count = (kind: string) =>
    drift.values.filter((v) => v.labels.kind === kind).reduce((s, v) => s + v.value, 0);
  assert.equal(count('duplicate_deleted'), copies - 1);
  assert.equal(count('rule_deleted'), 1);

  const again = await r.reconcile();
  assert.equal(writes(again), 0, 'repaired: the next pass writes nothing');
});

test('a deleted app whose group a port still uses: the group is kept (reported, its rules gone), then deleted once free', async () => {
  const { repo, r, inNeutron } = await reconciler();
  await repo.createPolicies([policy('b', 'a', 'tcp', 8080)]);
  await r.reconcile();
  const n = await namesOf(repo);
  const a = (await inNeutron())[n.a!]!.id;
  const network = await networks.create(demo, { name: testName('pol') });
  cleanup.defer(() => networks.removeIfExists(demo, network.id));
  const port = await ports.create(demo, { network_id: network.id, security_groups: [a] });
  cleanup.defer(() => ports.removeIfExists(demo, port.id));

  await repo.deletePolicies([policy('b', 'a', 'tcp', 8080)]);
  await repo.pruneGroups();
  const kept = await r.reconcile();
  assert.deepEqual(kept.groups.kept, [{ id: a, name: n.a, group_id: id('a') }]);
  assert.equal(kept.groups.deleted, 1, "b's group, which no port uses");
  const view = await inNeutron();
  assert.deepEqual(Object.keys(view), [n.a]);
  assert.deepEqual(view[n.a!]!.ingress, [], 'a kept group grants nothing');
  assert.equal(writes(await r.reconcile()), 0, 'kept, and nothing else to do');

  await ports.remove(demo, port.id);
  const freed = await r.reconcile();
  assert.equal(freed.groups.deleted, 1);
  assert.deepEqual(await inNeutron(), {});
});

test('rate bound: at most maxWritesPerPass writes, the rest in the next passes', async () => {
  const { repo, r } = await reconciler({ maxWritesPerPass: 5 });
  await repo.createPolicies([1, 2, 3, 4].map((i) => policy('b', 'a', 'tcp', 8000 + i)));
  const passes: Report[] = [];
  do passes.push(await r.reconcile());
  while (passes.at(-1)!.deferred > 0 && passes.length < 10);
  for (const p of passes) assert.ok(p.groups.created * 2 + p.rules.created <= 5, JSON.stringify(p));
  assert.ok(passes.length >= 2, 'two groups and eight rules do not fit one pass of 5 writes');
  assert.equal(
    passes.reduce((s, p) => s + p.rules.created, 0),
    8,
  );
  assert.equal(writes(await r.reconcile()), 0);
});

test('trigger coalesces: calls during a pass make one more pass, not one each', async () => {
  const { repo, r } = await reconciler();
  await repo.ensureGroups([id('solo')]);
  const first = r.trigger();
  const queued = [r.trigger(), r.trigger(), r.trigger()];
  assert.equal(queued[0], queued[1]);
  assert.equal(queued[1], queued[2]);
  assert.equal((await first).groups.created, 1);
  assert.equal(writes(await queued[0]!), 0);
  await r.stop();
});
