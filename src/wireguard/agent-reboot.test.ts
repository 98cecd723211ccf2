// Integration (root, lab): a reboot of the network host, as the agent sees it: the interface (and its
// wireguard-go) gone, the state directory kept. The next pass brings the hub back with the same key and
// listen port, so spokes keep working without a new export, and writes nothing to Neutron.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Exec } from '../host/exec.ts';
import { delNetns } from '../host/netns.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { networks, ports, subnets, tags } from '../openstack/networking/v2/index.ts';
import { labFixture } from '../testing/openstack/fixture.ts';
import { testName } from '../testing/openstack/lab.ts';
import { Agent } from './agent.ts';
import { Devices } from './device.ts';
import { generateKeyPair } from './keys.ts';
import { interfaceName, projectNamespace } from './model.ts';
import { createHub, createSpoke, MESH_TAG } from './neutron.ts';

const lab = labFixture(['lab-admin'], 'network');
const host = `wgreboot-${Math.random().toString(36).slice(2, 7)}`;
const ex = new Exec();
let net: ServiceClient;
let stateDir: string;
let hubId: string;
let ns: string;

before(async () => {
  [, [net]] = await lab.open();
  stateDir = await mkdtemp(join(tmpdir(), 'osnet-wg-reboot-'));
  lab.cleanup.defer(() => rm(stateDir, { recursive: true, force: true }));
  const n = await networks.create(net, { name: testName('wgreboot') });
  lab.cleanup.defer(() => networks.removeIfExists(net, n.id));
  const v4 = (await subnets.create(net, { network_id: n.id, cidr: '10.215.0.0/24', ip_version: 4 })).id;
  await tags.add(net, 'subnets', v4, MESH_TAG);
  const hub = await createHub(net, { host, subnets: [v4] });
  lab.cleanup.defer(() => ports.removeIfExists(net, hub.id));
  hubId = hub.id;
  ns = projectNamespace(hub.project_id);
  const spoke = await createSpoke(net, {
    publicKey: generateKeyPair().publicKey,
    peers: [hubId],
    keepalive: 25,
  });
  lab.cleanup.defer(() => ports.removeIfExists(net, spoke.id));
});
after(async () => {
  await ex.run(['ip', '-n', ns, 'link', 'del', interfaceName(hubId)]).catch(() => undefined);
  await delNetns(ns).catch(() => undefined);
  await lab.close();
});

test('after a reboot (interface gone, state kept) the hub is back with its key, port and peers, nothing written to Neutron', async () => {
  const agent = () => new Agent(net, { host, stateDir, endpointAddress: '127.0.0.1', statusIntervalMs: 0 });
  const first = await agent().pass();
  assert.deepEqual(first.failures, []);
  const dev = new Devices();
  const ifname = interfaceName(hubId);
  const before = await dev.get(ifname, ns);
  const profile = (await ports.get(net, hubId))['binding:profile'];

  await ex.run(['ip', '-n', ns, 'link', 'del', ifname]);
  assert.equal(await dev.locate(ifname, [ns]), undefined);
  const back = await agent().pass();
  assert.deepEqual(back.failures, []);
  assert.equal(back.neutronWrites, 0, back.actions.join('\n'));
  const now = await dev.get(ifname, ns);
  const key = (await readFile(join(stateDir, 'keys', `${hubId}.key`), 'utf8')).trim();
  assert.equal(now.privateKey, key);
  assert.equal(before.privateKey, key);
  assert.equal(now.listenPort, before.listenPort);
  assert.deepEqual([...now.peers.keys()], [...before.peers.keys()]);
  assert.deepEqual((await ports.get(net, hubId))['binding:profile'], profile);
});
