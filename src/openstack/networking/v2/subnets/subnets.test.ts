// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { countingClient } from '../../../../testing/openstack/counting-client.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { NotFoundError, PreconditionFailedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as networks from '../networks/index.ts';
import * as subnets from './index.ts';

const lab = labFixture(['lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
let net: ServiceClient;
let net2: ServiceClient;
let network: networks.Network;

before(async () => {
  [, [net, net2]] = await lab.open();
  network = await networks.create(net, { name: testName('snet') });
  cleanup.defer(() => networks.removeIfExists(net, network.id));
});

after(() => lab.close());

async function create(opts: Omit<subnets.CreateSubnetOpts, 'network_id'>): Promise<subnets.Subnet> {
  const s = await subnets.create(net, { network_id: network.id, ...opts });
  cleanup.defer(() => subnets.removeIfExists(net, s.id));
  return s;
}

test('create with pools, DNS and host routes; get; update with If-Match; delete; 404', async () => {
  const s = await create({
    name: testName('sub'),
    cidr: '10.78.0.0/24',
    ip_version: 4,
    gateway_ip: '10.78.0.1',
    allocation_pools: [{ start: '10.78.0.10', end: '10.78.0.99' }],
    dns_nameservers: ['10.78.0.2'],
    host_routes: [{ destination: '10.200.0.0/16', nexthop: '10.78.0.254' }],
  });
  assert.equal(s.cidr, '10.78.0.0/24');
  assert.deepEqual(s.allocation_pools, [{ start: '10.78.0.10', end: '10.78.0.99' }]);
  assert.deepEqual(s.host_routes, [{ destination: '10.200.0.0/16', nexthop: '10.78.0.254' }]);
  assert.ok((await networks.get(net, network.id)).subnets.includes(s.id));

  const got = await subnets.get(net, s.id);
  const noGw = await subnets.update(
    net,
    s.id,
    { gateway_ip: null, enable_dhcp: false },
    { ifMatch: got.revision_number },
  );
  assert.equal(noGw.gateway_ip, null);
  assert.equal(noGw.enable_dhcp, false);
  await assert.rejects(
    subnets.update(net, s.id, { name: 'x' }, { ifMatch: got.revision_number }),
    PreconditionFailedError,
  );

  await subnets.remove(net, s.id);
  await assert.rejects(subnets.get(net, s.id), NotFoundError);
  assert.equal(await subnets.removeIfExists(net, s.id), false);
});

test('list filters by network and IP version and follows pages', async () => {
  const v4 = await create({ cidr: '10.79.1.0/24', ip_version: 4 });
  const v4b = await create({ cidr: '10.79.2.0/24', ip_version: 4 });
  const v6 = await create({
    cidr: 'fd00:79::/64',
    ip_version: 6,
    ipv6_address_mode: 'slaac',
    ipv6_ra_mode: 'slaac',
  });
  const { client, urls } = countingClient(net);
  const all = await collect(subnets.list(client, { network_id: network.id, limit: 1, sort_key: 'cidr' }));
  assert.deepEqual(all.map((s) => s.id).sort(), [v4.id, v4b.id, v6.id].sort());
  assert.ok(urls.length >= 3, `3 subnets at 1 per page: 3 pages at least, fetched ${urls.length}`);
  const only6 = await collect(
    subnets.list(net, { network_id: network.id, ip_version: 6, fields: ['id', 'ipv6_address_mode'] }),
  );
  assert.deepEqual(only6, [{ id: v6.id, ipv6_address_mode: 'slaac' }]);
});

test('another project can neither see nor change the subnet', async () => {
  const s = await create({ cidr: '10.80.0.0/24', ip_version: 4 });
  await assert.rejects(subnets.get(net2, s.id), NotFoundError);
  assert.deepEqual(await collect(subnets.list(net2, { ids: [s.id] })), []);
  await assert.rejects(subnets.update(net2, s.id, { name: 'stolen' }), NotFoundError);
  await assert.rejects(subnets.remove(net2, s.id), NotFoundError);
});

test('a create without cidr or with a bad ip_version fails before any request, naming the field', () => {
  assert.throws(
    () => subnets.create(net, { network_id: network.id, ip_version: 4 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'subnet.cidr',
  );
  assert.throws(
    () => subnets.create(net, { network_id: network.id, cidr: '10.0.0.0/24', ip_version: 5 as 4 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'subnet.ip_version',
  );
});
