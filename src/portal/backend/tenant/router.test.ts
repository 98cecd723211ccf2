/**
 * The order chain's router step against the lab, in a scratch project: without an external network (none
 * configured, or skipped by the order) the router has no gateway; run again it finds the same router and
 * attaches the subnet once; run with an external network later (a provider that got one) it sets the
 * gateway on the router it finds.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import { collect } from '../../../openstack/client/pagination.ts';
import { projects } from '../../../openstack/identity/v3/index.ts';
import { networks, ports, routers, subnets } from '../../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../../testing/openstack/cleanup.ts';
import { testName } from '../../../testing/openstack/lab.ts';
import { labExternalNetwork, labProviderSettings } from '../../../testing/portal/provider.ts';
import { newUuid } from '../../store/index.ts';
import { openProviderCloud } from '../provider-cloud.ts';
import { tenantBackend } from './index.ts';
import { ensureRouter } from './router.ts';
import { tenantLeftovers } from './teardown.ts';

const cleanup = new Cleanup();
let cloud: Cloud;
let projectId: string;
let subnetId: string;
let external: string;

before(async () => {
  const provider = await labProviderSettings();
  cloud = await openProviderCloud(provider);
  cleanup.defer(() => cloud.close());
  const identity = await cloud.identity();
  const net = await cloud.network();
  external = await labExternalNetwork(cloud, cleanup, 'rext');
  projectId = (await projects.create(identity, { name: testName('router'), domain_id: 'default' })).id;
  // the backend's own teardown cleans the scratch project, and is checked to leave nothing
  cleanup.defer(async () => {
    await tenantBackend.delete({ cloud, provider, projectId }, async () => {});
    assert.deepEqual(await tenantLeftovers(cloud, projectId), {});
  });
  const n = await networks.create(net, { name: testName('rnet'), project_id: projectId });
  subnetId = (
    await subnets.create(net, {
      network_id: n.id,
      project_id: projectId,
      ip_version: 4,
      cidr: '10.94.0.0/24',
    })
  ).id;
});
after(() => cleanup.run());

it('no gateway without an external network; found again with one interface; gateway set when one comes', async () => {
  const net = await cloud.network();
  const o = {
    projectId,
    name: testName('r'),
    description: '',
    subnetId,
    externalNetworkId: '',
    marker: newUuid(),
  };
  const first = await ensureRouter(net, o);
  assert.equal(first.external_gateway_info, null);
  const again = await ensureRouter(net, o);
  assert.equal(again.id, first.id);
  const interfaces = () =>
    collect(ports.list(net, { device_id: first.id, device_owner: 'network:router_interface' }));
  assert.equal((await interfaces()).length, 1);
  const gated = await ensureRouter(net, { ...o, externalNetworkId: external });
  assert.equal(gated.id, first.id);
  assert.equal((await routers.get(net, first.id)).external_gateway_info?.network_id, external);
  assert.equal((await interfaces()).length, 1);
  assert.equal((await collect(routers.list(net, { project_id: projectId }))).length, 1);
});
