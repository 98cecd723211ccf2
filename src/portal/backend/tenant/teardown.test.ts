/**
 * A tenant's teardown with the later kinds in it, against the lab (compute extension): the tenant user
 * (logged in with the password the order chain returned) boots a server on the tenant's network, gives it
 * a floating IP, makes a volume with a snapshot and attaches a second volume; deleting the tenant leaves
 * none of it, nor anything else of the tenant, in OpenStack.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as snapshots from '../../../openstack/blockstorage/v3/snapshots/index.ts';
import * as volumes from '../../../openstack/blockstorage/v3/volumes/index.ts';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import { microversionClient } from '../../../openstack/client/microversion.ts';
import { collect } from '../../../openstack/client/pagination.ts';
import { waitForStatus } from '../../../openstack/client/wait-for.ts';
import * as flavors from '../../../openstack/compute/v2/flavors/index.ts';
import * as servers from '../../../openstack/compute/v2/servers/index.ts';
import * as images from '../../../openstack/image/v2/images/index.ts';
import { floatingIps, ports } from '../../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../../testing/openstack/cleanup.ts';
import { COMPUTE_SKIP, LAB_FLAVORS, LAB_IMAGE } from '../../../testing/openstack/compute-lab.ts';
import { testName } from '../../../testing/openstack/lab.ts';
import { labExternalNetwork, labProviderSettings } from '../../../testing/portal/provider.ts';
import { newUuid } from '../../store/index.ts';
import type { ProviderSettings } from '../contract.ts';
import { openProviderCloud } from '../provider-cloud.ts';
import { tenantBackend, tenantLeftovers } from './index.ts';

const POLL = { intervalMs: 250, maxIntervalMs: 2000, timeoutMs: 180_000 };
const cleanup = new Cleanup();
let cloud: Cloud;
let provider: ProviderSettings;

before(async () => {
  if (COMPUTE_SKIP) return;
  provider = await labProviderSettings();
  cloud = await openProviderCloud(provider);
  cleanup.defer(() => cloud.close());
  provider = { ...provider, external_network_id: await labExternalNetwork(cloud, cleanup, 'text') };
});
after(() => cleanup.run());

it('servers, floating IPs, volumes (attached too) and snapshots go with the tenant', {
  skip: COMPUTE_SKIP,
}, async () => {
  const name = testName('tdown');
  const spec = {
    name,
    description: '',
    project_name: name,
    subnet_cidr: '10.93.0.0/24',
    quotas: {},
    skip_connection_extnet: false,
    user_username: testName('tduser'),
  };
  const { record, secrets } = await tenantBackend.create(cloud, provider, spec, newUuid(), async () => {});
  const projectId = record.backend_id;
  const scope = { cloud, provider, projectId };
  cleanup.defer(() => tenantBackend.delete(scope, async () => {}));

  const user = await openProviderCloud({
    ...provider,
    username: spec.user_username,
    password: secrets!.password!,
    tenant_name: record.name,
  });
  try {
    const nova = await microversionClient(user, 'compute', { min: '2.37', max: '2.90' });
    const cinder = await user.service('block-storage');
    const net = await user.network();
    const flavor = (await collect(flavors.list(nova))).find((f) => f.name === LAB_FLAVORS[0].name);
    const [image] = await collect(images.list(await user.service('image'), { name: LAB_IMAGE }));
    assert.ok(flavor && image);
    const made = await servers.create(nova, {
      name,
      flavorRef: flavor.id,
      imageRef: image.id,
      networks: [{ uuid: record.fields.internal_network_id as string }],
    });
    await waitForStatus(() => servers.get(nova, made.id), 'ACTIVE', { what: `server ${made.id}`, ...POLL });
    const [port] = await collect(ports.list(net, { device_id: made.id }));
    assert.ok(port);
    await floatingIps.create(net, { floating_network_id: provider.external_network_id, port_id: port.id });

    const v1 = await volumes.create(cinder, { size: 1, name: `${name}-1` });
    const v2 = await volumes.create(cinder, { size: 1, name: `${name}-2` });
    for (const v of [v1, v2])
      await waitForStatus(() => volumes.get(cinder, v.id), 'available', { what: `volume ${v.id}`, ...POLL });
    const snap = await snapshots.create(cinder, { volume_id: v1.id, name });
    await waitForStatus(() => snapshots.get(cinder, snap.id), 'available', {
      what: `snapshot ${snap.id}`,
      ...POLL,
    });
    await nova.post(`servers/${made.id}/os-volume_attachments`, {
      body: { volumeAttachment: { volumeId: v2.id } },
    });
    await waitForStatus(() => volumes.get(cinder, v2.id), 'in-use', {
      what: `volume ${v2.id} attached`,
      ...POLL,
    });
  } finally {
    await user.close();
  }

  const before = await tenantLeftovers(cloud, projectId);
  for (const kind of [
    'servers',
    'floating_ips',
    'volumes',
    'snapshots',
    'ports',
    'networks',
    'users',
    'project',
  ])
    assert.ok(before[kind]?.length, `${kind} before the teardown: ${JSON.stringify(before)}`);
  assert.equal(before.volumes?.length, 2);

  await tenantBackend.delete(scope, async () => {});
  assert.deepEqual(await tenantLeftovers(cloud, projectId), {});
});
