// Integration: the floating IPs backend against the lab's Neutron, in a throwaway project.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import { floatingIps, networks, ports, routers, subnets } from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import type { TenantScope } from '../../contract.ts';
import { markerTag } from '../shared/marker.ts';
import { floatingIpsBackend } from './backend.ts';

let t: NetworkingScope;
let scope: TenantScope;
let ext: string;
let portId: string;
const marker = () => randomUUID().replaceAll('-', '');
const act = (name: string) => floatingIpsBackend.actions![name]!;

before(async () => {
  t = await networkingScope('pfip');
  ext = await t.externalNetwork();
  scope = { ...t.scope, provider: { ...t.scope.provider, external_network_id: ext } };
  const p = t.scope.projectId;
  const n = await networks.create(t.net, { name: 'n', project_id: p });
  const s = await subnets.create(t.net, {
    network_id: n.id,
    cidr: '10.91.0.0/24',
    ip_version: 4,
    project_id: p,
  });
  // a port is reachable from a floating IP only through a router joining its subnet to the external network
  const r = await routers.create(t.net, {
    name: 'r',
    project_id: p,
    external_gateway_info: { network_id: ext },
  });
  await routers.addInterface(t.net, r.id, { subnet_id: s.id });
  portId = (await ports.create(t.net, { network_id: n.id, project_id: p })).id;
});
after(() => t.close());

test('create twice with one marker allocates one address, in the tenant, from the external network', async () => {
  const m = marker();
  const a = await floatingIpsBackend.create(scope, { description: 'web' }, m);
  const b = await floatingIpsBackend.create(scope, { description: 'web' }, m);
  assert.equal(a.record.backend_id, b.record.backend_id);
  const tagged = await collect(floatingIps.list(t.net, { tags: [markerTag(m)] }));
  assert.equal(tagged.length, 1);
  assert.equal(tagged[0]!.project_id, t.scope.projectId);
  assert.equal(tagged[0]!.floating_network_id, ext);
  assert.equal(a.record.fields.address, tagged[0]!.floating_ip_address);
  assert.equal(a.record.name, tagged[0]!.floating_ip_address);
});

test('attach_to_port / detach_from_port and assign / unassign, read back; detaching twice is fine', async () => {
  const { record } = await floatingIpsBackend.create(scope, {}, marker());
  const on = await act('attach_to_port')(scope, record.backend_id, { port: portId });
  assert.equal(on?.fields.port_backend_id, portId);
  assert.equal((await floatingIps.get(t.net, record.backend_id)).port_id, portId);
  await act('detach_from_port')(scope, record.backend_id, {});
  const off = await act('detach_from_port')(scope, record.backend_id, {});
  assert.equal(off?.fields.port_backend_id, null);
  assert.equal((await floatingIps.get(t.net, record.backend_id)).port_id, null);
  await act('assign')(scope, record.backend_id, { port: portId });
  assert.equal((await floatingIps.get(t.net, record.backend_id)).port_id, portId);
  await act('unassign')(scope, record.backend_id, {});
  assert.equal((await floatingIps.get(t.net, record.backend_id)).port_id, null);
});

test('a provider without an external network is a clear error, before any call', async () => {
  const { scope: counted, calls } = t.counting();
  await assert.rejects(
    floatingIpsBackend.create(counted, {}, marker()),
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_PORTAL_STATE',
  );
  assert.deepEqual(calls, []);
});

test('list is one call and shows an out-of-band address; delete twice is fine', async () => {
  const oob = await floatingIps.create(t.net, { floating_network_id: ext, project_id: t.scope.projectId });
  const { scope: counted, calls } = t.counting();
  const listed = await floatingIpsBackend.list(counted);
  assert.equal(calls.length, 1, calls.join('\n'));
  assert.equal(listed.find((r) => r.backend_id === oob.id)?.fields.address, oob.floating_ip_address);
  await floatingIpsBackend.delete(scope, oob.id);
  await floatingIpsBackend.delete(scope, oob.id);
  assert.equal(await floatingIps.removeIfExists(t.net, oob.id), false);
});

test("another tenant's port is refused naming the field; the address stays unmapped", async () => {
  const other = await t.otherProject('pfip2');
  const n = await networks.create(t.net, { name: 'theirs', project_id: other });
  const theirs = await ports.create(t.net, { network_id: n.id, project_id: other });
  const { record } = await floatingIpsBackend.create(scope, {}, marker());
  await assert.rejects(
    act('attach_to_port')(scope, record.backend_id, { port: theirs.id }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.port',
  );
  assert.equal((await floatingIps.get(t.net, record.backend_id)).port_id, null);
});
