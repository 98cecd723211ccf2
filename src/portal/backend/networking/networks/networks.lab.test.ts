// Integration: the networks backend against the lab's Neutron, in a throwaway project.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { collect } from '../../../../openstack/client/pagination.ts';
import { networks, subnets } from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import { markerTag } from '../shared/marker.ts';
import { networksBackend } from './backend.ts';

let t: NetworkingScope;
const marker = () => randomUUID().replaceAll('-', '');

before(async () => {
  t = await networkingScope('pnet');
});
after(() => t.close());

test('create twice with one marker makes one network, tagged with the marker', async () => {
  const m = marker();
  const a = await networksBackend.create(t.scope, { name: 'web', description: 'd1', mtu: 1400 }, m);
  const b = await networksBackend.create(t.scope, { name: 'web', description: 'd1', mtu: 1400 }, m);
  assert.equal(a.record.backend_id, b.record.backend_id);
  const tagged = await collect(networks.list(t.net, { project_id: t.scope.projectId, tags: [markerTag(m)] }));
  assert.deepEqual(
    tagged.map((n) => n.id),
    [a.record.backend_id],
  );
  const n = await networks.get(t.net, a.record.backend_id);
  assert.equal(n.mtu, 1400);
  assert.equal(n.description, 'd1');
  assert.equal(a.record.fields.mtu, 1400);
  assert.equal(a.record.marker, m);
  const listed = (await networksBackend.list(t.scope)).find((r) => r.backend_id === a.record.backend_id);
  assert.equal(listed?.marker, m, 'a pull sees the marker, so it matches an in-flight create');
  assert.equal(a.record.fields.is_external, false);
  assert.equal(a.record.fields.type, n['provider:network_type']);
});

test('a network made before the tag could be set (crash) is found by name and tagged, not made twice', async () => {
  const name = `crash-${marker().slice(0, 6)}`;
  const made = await networks.create(t.net, { name, project_id: t.scope.projectId });
  const m = marker();
  const { record } = await networksBackend.create(t.scope, { name }, m);
  assert.equal(record.backend_id, made.id);
  assert.ok((await networks.get(t.net, made.id)).tags.includes(markerTag(m)));
  const same = await collect(networks.list(t.net, { project_id: t.scope.projectId, names: [name] }));
  assert.equal(same.length, 1);
});

test("the provider's default MTU applies when the body has none", async () => {
  const scope = { ...t.scope, provider: { ...t.scope.provider, default_internal_network_mtu: 1300 } };
  const { record } = await networksBackend.create(scope, { name: 'mtu-default' }, marker());
  assert.equal((await networks.get(t.net, record.backend_id)).mtu, 1300);
});

test('list is one call and shows a network made out of band', async () => {
  const oob = await networks.create(t.net, { name: 'out-of-band', project_id: t.scope.projectId });
  const { scope, calls } = t.counting();
  const listed = await networksBackend.list(scope);
  assert.deepEqual(calls.length, 1, calls.join('\n'));
  assert.match(calls[0]!, /^GET \S*\/networks\?project_id=/);
  const found = listed.find((r) => r.backend_id === oob.id);
  assert.ok(found);
  assert.equal(found.name, 'out-of-band');
  assert.equal(found.marker, undefined);
  assert.ok(listed.every((r) => r.backend_id !== undefined));
});

test('PATCH and set_mtu are read back from Neutron', async () => {
  const { record } = await networksBackend.create(t.scope, { name: 'patch-me' }, marker());
  const patched = await networksBackend.update!(t.scope, record.backend_id, {
    name: 'patched',
    description: 'x',
  });
  assert.equal(patched.name, 'patched');
  const n = await networks.get(t.net, record.backend_id);
  assert.equal(n.name, 'patched');
  assert.equal(n.description, 'x');
  const after = await networksBackend.actions!.set_mtu!(t.scope, record.backend_id, { mtu: 1280 });
  assert.equal(after?.fields.mtu, 1280);
  assert.equal((await networks.get(t.net, record.backend_id)).mtu, 1280);
});

test('create_subnet makes the subnet once (a retry finds it by CIDR) and returns no network record', async () => {
  const { record } = await networksBackend.create(t.scope, { name: 'with-subnet' }, marker());
  const body = { name: 's1', cidr: '10.77.0.0/24', gateway_ip: '10.77.0.1', dns_nameservers: ['10.77.0.53'] };
  assert.equal(await networksBackend.actions!.create_subnet!(t.scope, record.backend_id, body), undefined);
  await networksBackend.actions!.create_subnet!(t.scope, record.backend_id, body);
  const made = await collect(subnets.list(t.net, { network_id: record.backend_id }));
  assert.equal(made.length, 1);
  assert.equal(made[0]!.cidr, '10.77.0.0/24');
  assert.equal(made[0]!.project_id, t.scope.projectId);
  assert.deepEqual(made[0]!.dns_nameservers, ['10.77.0.53']);
  const listed = await networksBackend.list(t.scope);
  assert.deepEqual(listed.find((r) => r.backend_id === record.backend_id)?.fields.subnets, [
    { backend_id: made[0]!.id },
  ]);
});

test('delete twice is fine; the network is gone', async () => {
  const { record } = await networksBackend.create(t.scope, { name: 'doomed' }, marker());
  await networksBackend.delete(t.scope, record.backend_id);
  await networksBackend.delete(t.scope, record.backend_id);
  assert.equal(await networks.removeIfExists(t.net, record.backend_id), false);
});
