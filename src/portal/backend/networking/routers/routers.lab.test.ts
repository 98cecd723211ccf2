// Integration: the routers backend against the lab's Neutron, in a throwaway project.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import { networks, ports, routers, subnets } from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import { markerTag } from '../shared/marker.ts';
import { routersBackend } from './backend.ts';
import { routerSchemas } from './schemas.ts';

let t: NetworkingScope;
let networkId: string;
const marker = () => randomUUID().replaceAll('-', '');
const act = (name: string) => routersBackend.actions![name]!;

async function subnet(cidr: string): Promise<string> {
  const s = await subnets.create(t.net, {
    network_id: networkId,
    cidr,
    ip_version: 4,
    project_id: t.scope.projectId,
  });
  return s.id;
}

before(async () => {
  t = await networkingScope('prtr');
  networkId = (await networks.create(t.net, { name: 'n', project_id: t.scope.projectId })).id;
});
after(() => t.close());

test('create twice with one marker makes one router', async () => {
  const m = marker();
  const a = await routersBackend.create(t.scope, { name: 'edge' }, m);
  const b = await routersBackend.create(t.scope, { name: 'edge' }, m);
  assert.equal(a.record.backend_id, b.record.backend_id);
  const tagged = await collect(routers.list(t.net, { tags: [markerTag(m)] }));
  assert.equal(tagged.length, 1);
  assert.equal(tagged[0]!.project_id, t.scope.projectId);
});

test('add_interface / remove_interface by subnet and by port, each twice; fixed_ips and ports read back', async () => {
  const { record } = await routersBackend.create(t.scope, { name: 'ifaces' }, marker());
  const s1 = await subnet('10.71.0.0/24');
  const after1 = await act('add_interface')(t.scope, record.backend_id, { subnet: s1 });
  await act('add_interface')(t.scope, record.backend_id, { subnet: s1 });
  assert.deepEqual(after1?.fields.fixed_ips, ['10.71.0.1']);
  const s2 = await subnet('10.72.0.0/24');
  const port = await ports.create(t.net, {
    network_id: networkId,
    project_id: t.scope.projectId,
    fixed_ips: [{ subnet_id: s2, ip_address: '10.72.0.9' }],
  });
  await act('add_router_interface')(t.scope, record.backend_id, { port: port.id });
  const both = await act('add_interface')(t.scope, record.backend_id, { port: port.id });
  assert.deepEqual([...(both!.fields.fixed_ips as string[])].sort(), ['10.71.0.1', '10.72.0.9']);
  assert.equal((both!.fields.ports as unknown[]).length, 2);
  assert.equal((await ports.get(t.net, port.id)).device_id, record.backend_id);

  await act('remove_interface')(t.scope, record.backend_id, { subnet: s1 });
  const left = await act('remove_interface')(t.scope, record.backend_id, { subnet: s1 });
  assert.deepEqual(left?.fields.fixed_ips, ['10.72.0.9']);
  const interfaces = await collect(ports.list(t.net, { device_id: record.backend_id }));
  assert.deepEqual(
    interfaces.map((p) => p.id),
    [port.id],
  );
  assert.throws(
    () => routerSchemas.check!.add_interface!({ subnet: 'a', port: 'b' }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.subnet',
  );
});

test('set_gateway: an external network, the provider default, none; no provider default is a clear error', async () => {
  const ext = await t.externalNetwork();
  const { record } = await routersBackend.create(t.scope, { name: 'gw' }, marker());
  const on = await act('set_gateway')(t.scope, record.backend_id, { external_network_id: ext });
  assert.equal(on!.fields.external_network_id, ext);
  assert.equal((await routers.get(t.net, record.backend_id)).external_gateway_info?.network_id, ext);
  assert.equal((on!.fields.fixed_ips as string[]).length, 1); // the gateway address
  const off = await act('set_gateway')(t.scope, record.backend_id, { external_network_id: null });
  assert.equal(off?.fields.external_network_id, null);
  assert.equal((await routers.get(t.net, record.backend_id)).external_gateway_info, null);
  await assert.rejects(
    act('set_gateway')(t.scope, record.backend_id, {}),
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_PORTAL_STATE',
  );
  const scope = { ...t.scope, provider: { ...t.scope.provider, external_network_id: ext } };
  await act('set_gateway')(scope, record.backend_id, {});
  assert.equal((await routers.get(t.net, record.backend_id)).external_gateway_info?.network_id, ext);
  await act('remove_external_gateway')(scope, record.backend_id, {});
  assert.equal((await routers.get(t.net, record.backend_id)).external_gateway_info, null);
});

test('set_routes replaces all static routes; an empty list clears them', async () => {
  const { record } = await routersBackend.create(t.scope, { name: 'routes' }, marker());
  await act('add_interface')(t.scope, record.backend_id, { subnet: await subnet('10.73.0.0/24') });
  const routes = [
    { destination: '10.200.0.0/16', nexthop: '10.73.0.5' },
    { destination: '10.201.0.0/16', nexthop: '10.73.0.6' },
  ];
  const set = await act('set_routes')(t.scope, record.backend_id, { routes });
  assert.deepEqual(set?.fields.routes, routes);
  const one = await act('set_routes')(t.scope, record.backend_id, { routes: [routes[1]] });
  assert.deepEqual((await routers.get(t.net, record.backend_id)).routes, [routes[1]]);
  assert.deepEqual(one?.fields.routes, [routes[1]]);
  await act('set_routes')(t.scope, record.backend_id, { routes: [] });
  assert.deepEqual((await routers.get(t.net, record.backend_id)).routes, []);
  assert.throws(
    () => routerSchemas.check!.set_routes!({ routes: [{ destination: '10.0.0.0/8', nexthop: 'fd00::1' }] }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.routes[0].nexthop',
  );
});

test('list is two calls for the whole tenant and shows an out-of-band router; delete (with an interface) twice', async () => {
  const oob = await routers.create(t.net, { name: 'oob', project_id: t.scope.projectId });
  const s = await subnet('10.74.0.0/24');
  await routers.addInterface(t.net, oob.id, { subnet_id: s });
  const { scope, calls } = t.counting();
  const listed = await routersBackend.list(scope);
  assert.equal(calls.length, 2, calls.join('\n'));
  assert.deepEqual(listed.find((r) => r.backend_id === oob.id)?.fields.fixed_ips, ['10.74.0.1']);
  await routersBackend.delete(t.scope, oob.id);
  await routersBackend.delete(t.scope, oob.id);
  assert.equal(await routers.removeIfExists(t.net, oob.id), false);
});

test("another tenant's subnet is refused naming the field, nothing attached", async () => {
  const other = await t.otherProject('prtr2');
  const n = await networks.create(t.net, { name: 'theirs', project_id: other });
  const s = await subnets.create(t.net, {
    network_id: n.id,
    cidr: '10.75.0.0/24',
    ip_version: 4,
    project_id: other,
  });
  const { record } = await routersBackend.create(t.scope, { name: 'strict' }, marker());
  await assert.rejects(
    act('add_interface')(t.scope, record.backend_id, { subnet: s.id }),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.subnet',
  );
  assert.deepEqual(await collect(ports.list(t.net, { device_id: record.backend_id })), []);
});
