// Integration: real Nova (fake virt driver) in the lab's compute extension (scripts/lab/compute-up), in a
// scratch tenant. Fails, never skips, when the extension should be up and is not (see computeLabEnabled).
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { COMPUTE_SKIP, LAB_FLAVORS, LAB_IMAGE } from '../../../../testing/openstack/compute-lab.ts';
import { type ScratchTenant, scratchTenant } from '../../../../testing/openstack/tenant.ts';
import { microversionClient } from '../../../client/microversion.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { waitFor, waitForGone, waitForStatus } from '../../../client/wait-for.ts';
import * as images from '../../../image/v2/images/index.ts';
import * as networks from '../../../networking/v2/networks/index.ts';
import * as ports from '../../../networking/v2/ports/index.ts';
import * as subnets from '../../../networking/v2/subnets/index.ts';
import * as flavors from '../flavors/index.ts';
import * as servers from './index.ts';

const POLL = { intervalMs: 250, maxIntervalMs: 1000, timeoutMs: 120_000 };
let t: ScratchTenant;
let nova: ServiceClient;
let net: ServiceClient;
let adminNet: ServiceClient;

before(async () => {
  if (COMPUTE_SKIP) return;
  t = await scratchTenant('nova');
  nova = await microversionClient(t.cloud, 'compute', { min: '2.37', max: '2.90' });
  net = await t.cloud.network();
  adminNet = await t.admin.network();
});

after(async () => {
  await t?.close();
});

test('a server boots ACTIVE on a real Neutron port bound to the fake hypervisor, and delete removes both', {
  skip: COMPUTE_SKIP,
}, async () => {
  const network = await networks.create(net, { name: t.name });
  t.cleanup.defer(() => networks.removeIfExists(net, network.id));
  await subnets.create(net, { network_id: network.id, cidr: '10.91.0.0/24', ip_version: 4, name: t.name });
  const flavor = (await collect(flavors.list(nova))).find((f) => f.name === LAB_FLAVORS[0].name);
  const [image] = await collect(images.list(await t.cloud.service('image'), { name: LAB_IMAGE }));
  assert.ok(flavor && image, 'the seeded flavor and image exist');

  const made = await servers.create(nova, {
    name: t.name,
    flavorRef: flavor.id,
    imageRef: image.id,
    networks: [{ uuid: network.id }],
  });
  t.cleanup.defer(async () => {
    if (await servers.removeIfExists(nova, made.id)) {
      await waitForGone(() => servers.get(nova, made.id), { what: `server ${made.id}`, ...POLL });
    }
  });
  const s = await waitForStatus(() => servers.get(nova, made.id), 'ACTIVE', {
    what: `server ${made.id}`,
    ...POLL,
  });
  assert.equal(s.tenant_id, t.projectId);
  const addr = s.addresses[t.name]?.[0];
  assert.match(addr?.addr ?? '', /^10\.91\.0\./);

  // the port as the admin sees it: Nova's, bound (OVN) to the chassis nova-compute runs as
  const [port, ...more] = await collect(ports.list(adminNet, { device_id: made.id }));
  assert.equal(more.length, 0);
  assert.equal(port?.network_id, network.id);
  assert.match(port?.device_owner ?? '', /^compute:/);
  assert.equal(port?.['binding:host_id'], hostname());
  assert.equal(port?.['binding:vif_type'], 'ovs');
  assert.equal(port?.fixed_ips[0]?.ip_address, addr?.addr);

  await servers.remove(nova, made.id);
  await waitForGone(() => servers.get(nova, made.id), { what: `server ${made.id}`, ...POLL });
  await waitFor(
    () => collect(ports.list(adminNet, { device_id: made.id })),
    (left) => left.length === 0,
    { what: `the port of server ${made.id} to go`, wanted: 'no port', ...POLL },
  );
});
