// Integration: the ports backend against the lab's Neutron, in a throwaway project.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import {
  networks,
  ports,
  rbacPolicies,
  securityGroups,
  subnets,
} from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import { markerTag } from '../shared/marker.ts';
import { portsBackend } from './backend.ts';
import { portSchemas } from './schemas.ts';

let t: NetworkingScope;
let networkId: string;
let subnetId: string;
let sgA: string;
let sgB: string;
const marker = () => randomUUID().replaceAll('-', '');

before(async () => {
  t = await networkingScope('pport');
  const p = t.scope.projectId;
  networkId = (await networks.create(t.net, { name: 'n', project_id: p })).id;
  subnetId = (
    await subnets.create(t.net, { network_id: networkId, cidr: '10.81.0.0/24', ip_version: 4, project_id: p })
  ).id;
  sgA = (await securityGroups.create(t.net, { name: 'a', project_id: p })).id;
  sgB = (await securityGroups.create(t.net, { name: 'b', project_id: p })).id;
});
after(() => t.close());

test('create twice with one marker makes one port, with the fixed IP, MAC, groups and pairs asked for', async () => {
  const m = marker();
  const spec = {
    network: networkId,
    name: 'vip',
    fixed_ips: [{ subnet_id: subnetId, ip_address: '10.81.0.10' }],
    mac_address: 'fa:16:3e:11:22:33',
    security_groups: [sgA],
    allowed_address_pairs: [{ ip_address: '10.81.0.200' }],
  };
  const a = await portsBackend.create(t.scope, spec, m);
  const b = await portsBackend.create(t.scope, spec, m);
  assert.equal(a.record.backend_id, b.record.backend_id);
  const tagged = await collect(ports.list(t.net, { tags: [markerTag(m)] }));
  assert.equal(tagged.length, 1);
  const p = tagged[0]!;
  assert.equal(p.project_id, t.scope.projectId);
  assert.deepEqual(p.fixed_ips, [{ subnet_id: subnetId, ip_address: '10.81.0.10' }]);
  assert.equal(p.mac_address, 'fa:16:3e:11:22:33');
  assert.deepEqual(p.security_groups, [sgA]);
  assert.deepEqual(
    p.allowed_address_pairs.map((x) => x.ip_address),
    ['10.81.0.200'],
  );
  assert.deepEqual(a.record.fields.security_groups, [sgA]);
  assert.equal(a.record.marker, m);
});

test('PATCH changes name, groups and address pairs, read back from Neutron', async () => {
  const { record } = await portsBackend.create(t.scope, { network: networkId }, marker());
  const patched = await portsBackend.update!(t.scope, record.backend_id, {
    name: 'renamed',
    security_groups: [sgA, sgB],
    allowed_address_pairs: [{ ip_address: '10.81.0.0/28' }],
  });
  assert.deepEqual(patched.fields.security_groups, [sgA, sgB].sort());
  const p = await ports.get(t.net, record.backend_id);
  assert.equal(p.name, 'renamed');
  assert.deepEqual([...p.security_groups].sort(), [sgA, sgB].sort());
  assert.deepEqual(
    p.allowed_address_pairs.map((x) => x.ip_address),
    ['10.81.0.0/28'],
  );
});

test('port security off with no groups is made; with groups it fails naming the field, before any call', async () => {
  const { record } = await portsBackend.create(
    t.scope,
    { network: networkId, port_security_enabled: false, security_groups: [] },
    marker(),
  );
  assert.equal((await ports.get(t.net, record.backend_id)).port_security_enabled, false);
  const { scope, calls } = t.counting();
  await assert.rejects(
    portsBackend.create(
      scope,
      { network: networkId, port_security_enabled: false, security_groups: [sgA] },
      marker(),
    ),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.security_groups',
  );
  assert.deepEqual(calls, []);
  assert.throws(
    () => portSchemas.check!.create!({ fixed_ips: [{ ip_address: '10.81.0.300' }] }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.fixed_ips[0].ip_address',
  );
});

test('list is one call and shows an out-of-band port; delete twice is fine', async () => {
  const oob = await ports.create(t.net, {
    network_id: networkId,
    project_id: t.scope.projectId,
    name: 'oob',
  });
  const { scope, calls } = t.counting();
  const listed = await portsBackend.list(scope);
  assert.equal(calls.length, 1, calls.join('\n'));
  assert.equal(listed.find((r) => r.backend_id === oob.id)?.name, 'oob');
  await portsBackend.delete(t.scope, oob.id);
  await portsBackend.delete(t.scope, oob.id);
  assert.equal(await ports.removeIfExists(t.net, oob.id), false);
});

test("another tenant's network or group is refused naming the field; a network shared by RBAC is usable", async () => {
  const other = await t.otherProject('pport2');
  const theirs = await networks.create(t.net, { name: 'theirs', project_id: other });
  const theirGroup = await securityGroups.create(t.net, { name: 'theirs', project_id: other });
  const field = (f: string) => (e: unknown) => e instanceof OsnetError && e.field === f;
  await assert.rejects(portsBackend.create(t.scope, { network: theirs.id }, marker()), field('body.network'));
  await assert.rejects(
    portsBackend.create(t.scope, { network: networkId, security_groups: [sgA, theirGroup.id] }, marker()),
    field('body.security_groups[1]'),
  );
  const { record } = await portsBackend.create(t.scope, { network: networkId }, marker());
  await assert.rejects(
    portsBackend.update!(t.scope, record.backend_id, { security_groups: [theirGroup.id] }),
    field('body.security_groups[0]'),
  );
  assert.deepEqual(
    await collect(ports.list(t.net, { network_id: theirs.id, project_id: t.scope.projectId })),
    [],
  );
  await rbacPolicies.create(t.net, {
    object_type: 'network',
    object_id: theirs.id,
    action: 'access_as_shared',
    target_tenant: t.scope.projectId,
    project_id: other,
  });
  const shared = await portsBackend.create(t.scope, { network: theirs.id }, marker());
  assert.equal((await ports.get(t.net, shared.record.backend_id)).network_id, theirs.id);
  await portsBackend.delete(t.scope, shared.record.backend_id);
});
