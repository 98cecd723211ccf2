// Integration: the subnets backend against the lab's Neutron, in a throwaway project.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import { networks, ports, routers, subnets } from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import { subnetsBackend } from './backend.ts';
import { subnetSchemas } from './schemas.ts';

let t: NetworkingScope;
let networkId: string;
const marker = () => randomUUID().replaceAll('-', '');

before(async () => {
  t = await networkingScope('psub');
  networkId = (await networks.create(t.net, { name: 'n', project_id: t.scope.projectId })).id;
});
after(() => t.close());

const field = (f: string) => (e: unknown) => e instanceof OsnetError && e.field === f;

test('bad bodies fail naming the field, before any Neutron call', async () => {
  const check = subnetSchemas.check!.create!;
  assert.throws(() => check({ cidr: '10.0.0.0/33' }), field('body.cidr'));
  assert.throws(() => check({ cidr: 'fd00::/64' }), field('body.cidr')); // ip_version defaults to 4
  assert.throws(() => check({ cidr: '10.0.0.0/24', gateway_ip: '10.0.1.1' }), field('body.gateway_ip'));
  assert.throws(
    () => check({ cidr: '10.0.0.0/24', gateway_ip: '10.0.0.1', disable_gateway: true }),
    field('body.gateway_ip'),
  );
  assert.throws(
    () => check({ cidr: '10.0.0.0/24', allocation_pools: [{ start: '10.0.0.9', end: '10.0.0.3' }] }),
    field('body.allocation_pools[0].end'),
  );
  assert.throws(
    () =>
      check({
        cidr: '10.0.0.0/24',
        allocation_pools: [
          { start: '10.0.0.10', end: '10.0.0.20' },
          { start: '10.0.0.15', end: '10.0.0.30' },
        ],
      }),
    field('body.allocation_pools[1].start'),
  );
  assert.throws(
    () => check({ cidr: '10.0.0.0/24', host_routes: [{ destination: '10.9.0.0/16', nexthop: 'fd00::1' }] }),
    field('body.host_routes[0].nexthop'),
  );
  assert.throws(
    () =>
      check({
        cidr: '10.0.0.0/24',
        gateway_ip: '10.0.0.50',
        allocation_pools: [{ start: '10.0.0.2', end: '10.0.0.99' }],
      }),
    field('body.gateway_ip'),
  );
  assert.doesNotThrow(() => check({ cidr: 'fd00:1::/64', ip_version: 6, gateway_ip: 'fd00:1::1' }));
  const { scope, calls } = t.counting();
  await assert.rejects(
    subnetsBackend.create(
      scope,
      { network: networkId, cidr: '10.0.0.0/24', gateway_ip: '10.1.0.1' },
      marker(),
    ),
    field('body.gateway_ip'),
  );
  assert.deepEqual(calls, []);
});

test('create twice with one marker makes one subnet; a crash before the tag is found by CIDR', async () => {
  const m = marker();
  const spec = {
    network: networkId,
    name: 's',
    cidr: '10.61.0.0/24',
    gateway_ip: '10.61.0.1',
    allocation_pools: [{ start: '10.61.0.10', end: '10.61.0.99' }],
    host_routes: [{ destination: '10.99.0.0/16', nexthop: '10.61.0.5' }],
  };
  const a = await subnetsBackend.create(t.scope, spec, m);
  const b = await subnetsBackend.create(t.scope, spec, m);
  assert.equal(a.record.backend_id, b.record.backend_id);
  assert.equal(a.record.parent_backend_id, networkId);
  const s = await subnets.get(t.net, a.record.backend_id);
  assert.deepEqual(s.allocation_pools, [{ start: '10.61.0.10', end: '10.61.0.99' }]);
  assert.deepEqual(s.host_routes, [{ destination: '10.99.0.0/16', nexthop: '10.61.0.5' }]);
  assert.equal(s.project_id, t.scope.projectId);

  const oob = await subnets.create(t.net, {
    network_id: networkId,
    cidr: '10.62.0.0/24',
    ip_version: 4,
    project_id: t.scope.projectId,
  });
  const c = await subnetsBackend.create(t.scope, { network: networkId, cidr: '10.62.0.0/24' }, marker());
  assert.equal(c.record.backend_id, oob.id);
  assert.equal((await collect(subnets.list(t.net, { network_id: networkId }))).length, 2);
});

test('PATCH: disable_gateway clears the gateway; a gateway outside the CIDR is refused before the update', async () => {
  const { record } = await subnetsBackend.create(
    t.scope,
    { network: networkId, cidr: '10.63.0.0/24' },
    marker(),
  );
  const off = await subnetsBackend.update!(t.scope, record.backend_id, {
    disable_gateway: true,
    name: 'nogw',
  });
  assert.equal(off.fields.gateway_ip, null);
  assert.equal(off.fields.disable_gateway, true);
  assert.equal((await subnets.get(t.net, record.backend_id)).gateway_ip, null);
  await assert.rejects(
    subnetsBackend.update!(t.scope, record.backend_id, { gateway_ip: '10.64.0.1' }),
    field('body.gateway_ip'),
  );
  // the pools Neutron made cover .2–.254: a gateway there is refused naming the field, not a 409 later
  await assert.rejects(
    subnetsBackend.update!(t.scope, record.backend_id, { gateway_ip: '10.63.0.254' }),
    field('body.gateway_ip'),
  );
  const on = await subnetsBackend.update!(t.scope, record.backend_id, { gateway_ip: '10.63.0.1' });
  assert.equal((await subnets.get(t.net, record.backend_id)).gateway_ip, '10.63.0.1');
  assert.equal(on.fields.disable_gateway, false);
});

test('connect and disconnect use the tenant router; each twice is fine; no router is a clear error', async () => {
  const { record } = await subnetsBackend.create(
    t.scope,
    { network: networkId, cidr: '10.65.0.0/24' },
    marker(),
  );
  await assert.rejects(
    subnetsBackend.actions!.connect!(t.scope, record.backend_id, {}),
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_PORTAL_STATE',
  );
  const router = await routers.create(t.net, { name: 'r', project_id: t.scope.projectId });
  const attached = async () =>
    (
      await collect(ports.list(t.net, { device_id: router.id, device_owner: 'network:router_interface' }))
    ).filter((p) => p.fixed_ips.some((ip) => ip.subnet_id === record.backend_id)).length;
  await subnetsBackend.actions!.connect!(t.scope, record.backend_id, {});
  const on = await subnetsBackend.actions!.connect!(t.scope, record.backend_id, {});
  assert.equal(await attached(), 1);
  assert.equal(on?.fields.is_connected, true);
  const listed = await subnetsBackend.list(t.scope);
  assert.equal(listed.find((r) => r.backend_id === record.backend_id)?.fields.is_connected, true);
  await subnetsBackend.actions!.disconnect!(t.scope, record.backend_id, {});
  const off = await subnetsBackend.actions!.disconnect!(t.scope, record.backend_id, {});
  assert.equal(await attached(), 0);
  assert.equal(off?.fields.is_connected, false);
});

test('list is two calls and shows an out-of-band subnet; delete twice is fine', async () => {
  const oob = await subnets.create(t.net, {
    network_id: networkId,
    cidr: '10.66.0.0/24',
    ip_version: 4,
    project_id: t.scope.projectId,
  });
  const { scope, calls } = t.counting();
  const listed = await subnetsBackend.list(scope);
  assert.equal(calls.length, 2, calls.join('\n')); // the subnets, and the tenant's router interfaces
  assert.equal(listed.find((r) => r.backend_id === oob.id)?.fields.is_connected, false);
  assert.equal(listed.find((r) => r.backend_id === oob.id)?.fields.cidr, '10.66.0.0/24');
  await subnetsBackend.delete(t.scope, oob.id);
  await subnetsBackend.delete(t.scope, oob.id);
  assert.equal(await subnets.removeIfExists(t.net, oob.id), false);
});

test("a subnet on another tenant's network is refused naming the field", async () => {
  const other = await t.otherProject('psub2');
  const theirs = await networks.create(t.net, { name: 'theirs', project_id: other });
  await assert.rejects(
    subnetsBackend.create(t.scope, { network: theirs.id, cidr: '10.67.0.0/24' }, marker()),
    field('body.network'),
  );
  assert.deepEqual(await collect(subnets.list(t.net, { network_id: theirs.id })), []);
});
