// Integration: real Neutron (ML2/OVN) in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { countingClient, runTag } from '../../../../testing/openstack/counting-client.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { ForbiddenError, NotFoundError, PreconditionFailedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as networks from '../networks/index.ts';
import * as securityGroups from '../security-groups/index.ts';
import * as subnets from '../subnets/index.ts';
import * as ports from './index.ts';

const lab = labFixture(['lab-admin', 'lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
const run = runTag();
let adminNet: ServiceClient;
let net: ServiceClient;
let net2: ServiceClient;
let network: networks.Network;
let subnet: subnets.Subnet;

before(async () => {
  [, [adminNet, net, net2]] = await lab.open();
  network = await networks.create(net, { name: testName('pnet') });
  cleanup.defer(() => networks.removeIfExists(net, network.id));
  subnet = await subnets.create(net, { network_id: network.id, cidr: '10.77.0.0/24', ip_version: 4 });
  cleanup.defer(() => subnets.removeIfExists(net, subnet.id));
});

after(() => lab.close());

function track<T extends { id: string }>(p: T, client = net): T {
  cleanup.defer(() => ports.removeIfExists(client, p.id));
  return p;
}

test('create with fixed IP, security group, address pairs and MAC; get; update with If-Match; delete', async () => {
  const sg = await securityGroups.create(net, { name: testName('psg') });
  cleanup.defer(() => securityGroups.removeIfExists(net, sg.id));
  const name = testName('port');
  const p = track(
    await ports.create(net, {
      network_id: network.id,
      name,
      mac_address: 'fa:16:3e:77:00:05',
      fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.77.0.5' }],
      security_groups: [sg.id],
      allowed_address_pairs: [{ ip_address: '10.77.0.100/32' }],
      device_owner: 'compute:osnet-test',
      device_id: run,
    }),
  );
  assert.equal(p.name, name);
  assert.equal(p.mac_address, 'fa:16:3e:77:00:05');
  assert.deepEqual(p.fixed_ips, [{ subnet_id: subnet.id, ip_address: '10.77.0.5' }]);
  assert.deepEqual(p.security_groups, [sg.id]);
  assert.deepEqual(p.allowed_address_pairs, [{ ip_address: '10.77.0.100/32', mac_address: p.mac_address }]);
  assert.equal(p.port_security_enabled, true);
  assert.equal(p['binding:vif_type'], undefined, 'binding details are shown to admins only');
  assert.equal((await ports.get(adminNet, p.id))['binding:vif_type'], 'unbound');

  const got = await ports.get(net, p.id);
  assert.equal(got.device_id, run);

  const byIp = await collect(
    ports.list(net, { fixed_ips: [{ ip_address: '10.77.0.5', subnet_id: subnet.id }] }),
  );
  assert.deepEqual(
    byIp.map((x) => x.id),
    [p.id],
  );

  const off = await ports.update(
    net,
    p.id,
    { port_security_enabled: false, security_groups: [], allowed_address_pairs: [] },
    { ifMatch: got.revision_number },
  );
  assert.equal(off.port_security_enabled, false);
  assert.deepEqual(off.security_groups, []);
  await assert.rejects(
    ports.update(net, p.id, { name: 'late' }, { ifMatch: got.revision_number }),
    PreconditionFailedError,
  );
  assert.equal((await ports.get(net, p.id)).name, name);

  await ports.remove(net, p.id);
  await assert.rejects(ports.get(net, p.id), NotFoundError);
  await assert.rejects(ports.remove(net, p.id), NotFoundError);
  assert.equal(await ports.removeIfExists(net, p.id), false);
});

test('bulk create: 7 ports in one POST, then listed 3 per page over 3 pages', async () => {
  const device = `${run}-bulk`;
  const { client, calls, urls } = countingClient(net);
  const made = await ports.createMany(
    client,
    Array.from({ length: 7 }, (_, i) => ({
      network_id: network.id,
      name: `${device}-${i}`,
      device_id: device,
    })),
  );
  for (const p of made) track(p);
  assert.deepEqual(calls, ['POST ports'], 'one request for all seven');
  assert.deepEqual(
    made.map((p) => p.name),
    Array.from({ length: 7 }, (_, i) => `${device}-${i}`),
  );
  assert.equal(new Set(made.map((p) => p.fixed_ips[0]?.ip_address)).size, 7, 'each got its own address');

  const listed = await collect(
    ports.list(client, { device_id: device, limit: 3, fields: ['id', 'device_id'] }),
  );
  assert.deepEqual(listed.map((p) => p.id).sort(), made.map((p) => p.id).sort());
  assert.equal(urls.length, 3, `7 ports at 3 per page: 3 pages, fetched ${urls.length}`);
  assert.ok(urls.slice(1).every((u) => /marker=/.test(u)));

  const sorted = await collect(ports.list(net, { device_id: device, sort_key: 'name', sort_dir: 'desc' }));
  assert.equal(sorted[0]?.name, `${device}-6`);
});

test('bulk create is all or nothing: one bad item creates none', async () => {
  const device = `${run}-atomic`;
  await assert.rejects(
    ports.createMany(net, [
      { network_id: network.id, device_id: device },
      {
        network_id: network.id,
        device_id: device,
        fixed_ips: [{ subnet_id: subnet.id, ip_address: '10.99.0.1' }],
      },
    ]),
  );
  assert.deepEqual(await collect(ports.list(net, { device_id: device })), []);
});

test('binding:host_id is admin-only: demo gets ForbiddenError, admin binds to this chassis', async () => {
  const host = hostname();
  await assert.rejects(
    ports.create(net, { network_id: network.id, 'binding:host_id': host }),
    (e: unknown) => e instanceof ForbiddenError && e.status === 403,
  );
  const p = track(
    await ports.create(adminNet, {
      network_id: network.id,
      device_owner: 'compute:osnet-test',
      device_id: `${run}-bound`,
      'binding:host_id': host,
      'binding:profile': { osnet: 'test' },
      'binding:vnic_type': 'normal',
    }),
    adminNet,
  );
  assert.equal(p['binding:host_id'], host);
  assert.deepEqual(p['binding:profile'], { osnet: 'test' });
  assert.equal(p['binding:vif_type'], 'ovs', 'OVN bound it to the lab chassis');

  const bound = await collect(ports.list(adminNet, { 'binding:host_id': host, device_id: `${run}-bound` }));
  assert.deepEqual(
    bound.map((x) => x.id),
    [p.id],
  );
  await assert.rejects(ports.update(net, p.id, { 'binding:host_id': 'elsewhere' }), ForbiddenError);
});

test('another project can neither see nor change the port, nor add one to the network', async () => {
  const p = track(await ports.create(net, { network_id: network.id, name: testName('iso') }));
  await assert.rejects(ports.get(net2, p.id), NotFoundError);
  assert.deepEqual(await collect(ports.list(net2, { ids: [p.id] })), []);
  assert.deepEqual(await collect(ports.list(net2, { network_id: network.id })), []);
  await assert.rejects(ports.update(net2, p.id, { name: 'stolen' }), NotFoundError);
  await assert.rejects(ports.remove(net2, p.id), NotFoundError);
  await assert.rejects(ports.create(net2, { network_id: network.id }), NotFoundError);
  assert.equal((await ports.get(net, p.id)).name, p.name);
});
