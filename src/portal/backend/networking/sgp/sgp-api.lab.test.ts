/**
 * Security groups through the API, against the lab as provider. A rule's `remote_group`: a portal reference (URL or uuid)
 * to another group of the same tenant reaches Neutron as that group's id, in a create with rules, in
 * `add_rule` and in `set_rules`, and is shown back as the portal's reference (URL, uuid, name); a group
 * of another tenant, or one that names nothing, is a 400 naming the rule's field, with nothing queued.
 * The seed's rule paths (`POST …/{uuid}/rules/`, `DELETE …/{uuid}/rules/{rule_id}/`) add and remove a
 * rule in Neutron.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Cloud } from '../../../../openstack/index.ts';
import { securityGroups } from '../../../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../../../testing/openstack/cleanup.ts';
import { labCloud, testName } from '../../../../testing/openstack/lab.ts';
import { type Json, type LabPortal, labPortal, waitFor } from '../../../../testing/portal/lab-portal.ts';
import { labProviderSettings } from '../../../../testing/portal/provider.ts';
import { freshStore } from '../../../../testing/store/stores.ts';
import { tenantBackend } from '../../tenant/index.ts';

const cleanup = new Cleanup();
let lp: LabPortal;
let admin: Cloud;
let a: Json;
let b: Json;

const settled = (path: string) =>
  waitFor(lp.api, path, (x) => x?.state === 'OK' || x?.state === 'ERRED') as Promise<Json>;

before(async () => {
  const s = await freshStore('sqlite');
  cleanup.defer(() => s.remove());
  lp = await labPortal(s.url, { options: { schedules: false, runner: { pollMs: 100 } } });
  cleanup.defer(() => lp.close());
  admin = await labCloud('lab-admin');
  cleanup.defer(() => admin.close());
  const name = testName('rg');
  [a, b] = await Promise.all([lp.orderTenant(`${name}-a`), lp.orderTenant(`${name}-b`)]);
  for (const t of [a, b]) {
    cleanup.defer(async () => {
      if (t?.backend_id)
        await tenantBackend
          .delete(
            { cloud: admin, provider: await labProviderSettings(), projectId: String(t.backend_id) },
            async () => {},
          )
          .catch(() => undefined);
    });
    assert.equal(t?.state, 'OK', t?.error_message);
  }
});
after(() => cleanup.run());

const group = async (tenant: Json, body: Json) => {
  const r = await lp.api('POST', `/api/openstack-tenants/${tenant.uuid}/create_security_group/`, body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const g = await settled(`/api/openstack-sgp/${r.body.uuid}/`);
  assert.equal(g.state, 'OK', g.error_message);
  return g;
};
const neutronRules = async (g: Json) =>
  (await securityGroups.get(await admin.network(), String(g.backend_id))).security_group_rules ?? [];
type Rule = { protocol: string; from_port: number; remote_group: string | null } & Json;

it("remote_group: the portal's reference in, Neutron's id out, the portal's reference shown back", async () => {
  const g1 = await group(a, { name: 'peers' });
  const g2 = await group(a, {
    name: 'app',
    rules: [{ protocol: 'tcp', from_port: 22, to_port: 22, remote_group: g1.url }],
  });
  const inNeutron = await neutronRules(g2);
  assert.equal(inNeutron.length, 1);
  assert.equal(inNeutron[0]!.remote_group_id, g1.backend_id);
  const shown = (g2.rules as Rule[])[0]!;
  assert.equal(shown.remote_group, g1.url);
  assert.equal(shown.remote_group_uuid, g1.uuid);
  assert.equal(shown.remote_group_name, 'peers');

  const added = await lp.api('POST', `/api/openstack-sgp/${g2.uuid}/add_rule/`, {
    protocol: 'udp',
    from_port: 53,
    to_port: 53,
    remote_group: g1.uuid,
  });
  assert.equal(added.status, 202, JSON.stringify(added.body));
  const after2 = await settled(`/api/openstack-sgp/${g2.uuid}/`);
  assert.equal(after2.state, 'OK', after2.error_message);
  const udp = (await neutronRules(g2)).find((r) => r.protocol === 'udp');
  assert.equal(udp?.remote_group_id, g1.backend_id);
  assert.equal((after2.rules as Rule[]).find((r) => r.protocol === 'udp')?.remote_group, g1.url);

  const set = await lp.api('POST', `/api/openstack-sgp/${g1.uuid}/set_rules/`, {
    rules: [
      { protocol: 'icmp', remote_group: g2.url },
      { protocol: 'tcp', from_port: 80, to_port: 80, remote_group: g1.uuid },
    ],
  });
  assert.equal(set.status, 202, JSON.stringify(set.body));
  const g1after = await settled(`/api/openstack-sgp/${g1.uuid}/`);
  assert.equal(g1after.state, 'OK', g1after.error_message);
  const byProto = new Map((await neutronRules(g1)).map((r) => [r.protocol, r.remote_group_id]));
  assert.deepEqual(Object.fromEntries(byProto), { icmp: g2.backend_id, tcp: g1.backend_id });
  const shownRules = g1after.rules as Rule[];
  assert.deepEqual(shownRules.map((r) => [r.protocol, r.remote_group_name]).sort(), [
    ['icmp', 'app'],
    ['tcp', 'peers'],
  ]);

  // the list shows the same references
  const listed = (await lp.api('GET', `/api/openstack-sgp/?tenant_uuid=${a.uuid}&name_exact=peers`))
    .body as Json[];
  assert.deepEqual((listed[0]!.rules as Rule[]).map((r) => r.remote_group).sort(), [g1.url, g2.url].sort());
});

it("the seed's rule paths: POST …/rules/ adds a rule, DELETE …/rules/{rule_id}/ removes it", async () => {
  const g = await group(a, { name: 'seed-paths', rules: [] });
  assert.equal((await neutronRules(g)).length, 0);
  const add = await lp.api('POST', `/api/openstack-sgp/${g.uuid}/rules/`, {
    protocol: 'tcp',
    from_port: 8080,
    to_port: 8080,
    cidr: '10.1.0.0/16',
  });
  assert.equal(add.status, 202, JSON.stringify(add.body));
  assert.equal(add.body.state, 'UPDATE_SCHEDULED');
  const added = await settled(`/api/openstack-sgp/${g.uuid}/`);
  assert.equal(added.state, 'OK', added.error_message);
  const inNeutron = await neutronRules(g);
  assert.deepEqual(
    inNeutron.map((r) => [r.protocol, r.port_range_min, r.remote_ip_prefix]),
    [['tcp', 8080, '10.1.0.0/16']],
  );
  const ruleId = (added.rules as Rule[])[0]!.id as string;
  assert.equal(ruleId, inNeutron[0]!.id);
  const bad = await lp.api('POST', `/api/openstack-sgp/${g.uuid}/rules/`, { protocol: 'tcp', from_port: 0 });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  const del = await lp.p.api('DELETE', `/api/openstack-sgp/${g.uuid}/rules/${ruleId}/`, {
    token: lp.staff,
    route: '/api/openstack-sgp/{uuid}/rules/{rule_id}/',
  });
  lp.answers.push(del);
  assert.equal(del.status, 202, JSON.stringify(del.body));
  const removed = await settled(`/api/openstack-sgp/${g.uuid}/`);
  assert.equal(removed.state, 'OK', removed.error_message);
  assert.deepEqual(await neutronRules(g), []);
  assert.deepEqual(removed.rules, []);
});

it("another tenant's group, or one that names nothing, is a 400 naming the rule's field; nothing queued", async () => {
  const theirs = await group(b, { name: 'theirs' });
  const mine = await group(a, { name: 'mine' });
  const refused = async (path: string, body: Json, field: string) => {
    const r = await lp.api('POST', path, body);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.field, field);
  };
  await refused(
    `/api/openstack-tenants/${a.uuid}/create_security_group/`,
    {
      name: 'x',
      rules: [
        { protocol: 'tcp', cidr: '10.0.0.0/8' },
        { protocol: 'tcp', remote_group: theirs.uuid },
      ],
    },
    'body.rules[1].remote_group',
  );
  await refused(
    `/api/openstack-sgp/${mine.uuid}/add_rule/`,
    { protocol: 'tcp', remote_group: theirs.url },
    'body.remote_group',
  );
  await refused(
    `/api/openstack-sgp/${mine.uuid}/set_rules/`,
    { rules: [{ protocol: 'tcp', remote_group: 'f'.repeat(32) }] },
    'body.rules[0].remote_group',
  );
  const still = (await lp.api('GET', `/api/openstack-sgp/${mine.uuid}/`)).body as Json;
  assert.equal(still.state, 'OK');
  assert.equal(
    ((await lp.api('GET', `/api/openstack-sgp/?tenant_uuid=${a.uuid}&name_exact=x`)).body as Json[]).length,
    0,
  );
  for (const x of lp.answers) await lp.p.conform(x);
});
