// Integration: real Neutron (ML2/OVN L3) in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countingClient, runTag } from '../../../../testing/openstack/counting-client.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { NotFoundError, PreconditionFailedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as networks from '../networks/index.ts';
import * as ports from '../ports/index.ts';
import * as routers from '../routers/index.ts';
import * as subnets from '../subnets/index.ts';
import * as tags from '../tags/index.ts';
import * as floatingIps from './index.ts';

const lab = labFixture(['lab-admin', 'lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
const run = runTag();
let net: ServiceClient;
let net2: ServiceClient;
let external: networks.Network;
let port: ports.Port;

before(async () => {
  let adminNet: ServiceClient;
  [, [adminNet, net, net2]] = await lab.open();
  external = await networks.create(adminNet, { name: testName('fext'), 'router:external': true });
  cleanup.defer(() => networks.removeIfExists(adminNet, external.id));
  const extSub = await subnets.create(adminNet, {
    network_id: external.id,
    cidr: '172.31.82.0/24',
    ip_version: 4,
  });
  cleanup.defer(() => subnets.removeIfExists(adminNet, extSub.id));
  // a port is reachable from a floating IP only through a router joining its subnet to the external network
  const n = await networks.create(net, { name: testName('fnet') });
  cleanup.defer(() => networks.removeIfExists(net, n.id));
  const inner = await subnets.create(net, { network_id: n.id, cidr: '10.82.0.0/24', ip_version: 4 });
  cleanup.defer(() => subnets.removeIfExists(net, inner.id));
  const r = await routers.create(net, {
    name: testName('fr'),
    external_gateway_info: { network_id: external.id },
  });
  cleanup.defer(() => routers.removeIfExists(net, r.id));
  await routers.addInterface(net, r.id, { subnet_id: inner.id });
  cleanup.defer(() => routers.removeInterface(net, r.id, { subnet_id: inner.id }));
  port = await ports.create(net, { network_id: n.id, name: testName('fport') });
  cleanup.defer(() => ports.removeIfExists(net, port.id));
});

after(() => lab.close());

async function create(): Promise<floatingIps.FloatingIp> {
  const f = await floatingIps.create(net, { floating_network_id: external.id, description: 'osnet test' });
  cleanup.defer(() => floatingIps.removeIfExists(net, f.id));
  return f;
}

test('create, get, associate, update with If-Match, disassociate, delete, 404', async () => {
  const f = await create();
  assert.match(f.floating_ip_address, /^172\.31\.82\./);
  assert.equal(f.port_id, null);

  const bound = await floatingIps.associate(net, f.id, port.id);
  assert.equal(bound.port_id, port.id);
  assert.equal(bound.fixed_ip_address, port.fixed_ips[0]?.ip_address);
  assert.ok(bound.router_id);
  const byPort = await collect(floatingIps.list(net, { port_id: port.id }));
  assert.deepEqual(
    byPort.map((x) => x.id),
    [f.id],
  );

  const got = await floatingIps.get(net, f.id);
  const upd = await floatingIps.update(
    net,
    f.id,
    { description: 'changed' },
    { ifMatch: got.revision_number },
  );
  assert.equal(upd.description, 'changed');
  await assert.rejects(
    floatingIps.update(net, f.id, { description: 'late' }, { ifMatch: got.revision_number }),
    PreconditionFailedError,
  );

  const free = await floatingIps.disassociate(net, f.id);
  assert.equal(free.port_id, null);

  await floatingIps.remove(net, f.id);
  await assert.rejects(floatingIps.get(net, f.id), NotFoundError);
  assert.equal(await floatingIps.removeIfExists(net, f.id), false);
});

test('list filters by network and tag and follows pages', async () => {
  const made = [await create(), await create(), await create()];
  for (const f of made) await tags.add(net, 'floatingips', f.id, run);
  const { client, urls } = countingClient(net);
  const paged = await collect(
    floatingIps.list(client, { tags: [run], floating_network_id: external.id, limit: 2, fields: ['id'] }),
  );
  assert.deepEqual(paged.map((f) => f.id).sort(), made.map((f) => f.id).sort());
  assert.equal(urls.length, 2);
});

test('another project can neither see nor change the floating IP', async () => {
  const f = await create();
  await assert.rejects(floatingIps.get(net2, f.id), NotFoundError);
  assert.deepEqual(await collect(floatingIps.list(net2, { ids: [f.id] })), []);
  await assert.rejects(floatingIps.update(net2, f.id, { description: 'stolen' }), NotFoundError);
  await assert.rejects(floatingIps.remove(net2, f.id), NotFoundError);
});
