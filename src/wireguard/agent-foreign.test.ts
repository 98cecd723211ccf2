// Integration (root, lab): hub and spoke ports made by other tools than `osnet wg`. A spoke without the
// wg-peer tag is found by its profile and becomes a peer; tags that disagree with the profile are reported
// as drift and put right. A hub on a subnet not set aside for the mesh is skipped with the reason.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { ERROR_KEY, HUB_OWNER, interfaceName, projectNamespace, SPOKE_OWNER } from './model.ts';
import { createHub, MESH_TAG, spokesOf } from './neutron.ts';

const lab = labFixture(['lab-admin'], 'network');
const host = `wgforeign-${Math.random().toString(36).slice(2, 7)}`;
let net: ServiceClient;
let stateDir: string;
let networkId: string;
let mesh: string;
let plain: string;
let hubId: string;
let ns: string;
const madeHubs: string[] = [];

before(async () => {
  [, [net]] = await lab.open();
  stateDir = await mkdtemp(join(tmpdir(), 'osnet-wg-foreign-'));
  lab.cleanup.defer(() => rm(stateDir, { recursive: true, force: true }));
  const n = await networks.create(net, { name: testName('wgforeign') });
  lab.cleanup.defer(() => networks.removeIfExists(net, n.id));
  networkId = n.id;
  mesh = (await subnets.create(net, { network_id: n.id, cidr: '10.213.0.0/24', ip_version: 4 })).id;
  await tags.add(net, 'subnets', mesh, MESH_TAG);
  plain = (await subnets.create(net, { network_id: n.id, cidr: '10.214.0.0/24', ip_version: 4 })).id;
  const hub = await createHub(net, { host, subnets: [mesh] });
  lab.cleanup.defer(() => ports.removeIfExists(net, hub.id));
  hubId = hub.id;
  madeHubs.push(hub.id);
  ns = projectNamespace(hub.project_id);
});
after(async () => {
  const ex = new Exec();
  for (const id of madeHubs)
    await ex.run(['ip', '-n', ns, 'link', 'del', interfaceName(id)]).catch(() => undefined);
  await delNetns(ns).catch(() => undefined);
  await lab.close();
});

function agent(o: { dryRun?: boolean } = {}): Agent {
  return new Agent(net, { host, stateDir, endpointAddress: '127.0.0.1', statusIntervalMs: 0, ...o });
}

test('a spoke made without the peer tag is found by its profile and peered; tag drift is reported and put right', async () => {
  const key = generateKeyPair().publicKey;
  const s = await ports.create(net, {
    network_id: networkId,
    device_owner: SPOKE_OWNER,
    port_security_enabled: false,
    fixed_ips: [{ subnet_id: mesh }],
    'binding:profile': { public_key: key, peers: [hubId], persistent_keepalive: 25 },
  });
  lab.cleanup.defer(() => ports.removeIfExists(net, s.id));
  const dry = await agent({ dryRun: true }).pass();
  assert.deepEqual(dry.drift, [{ port: s.id, missing: [hubId], stale: [] }]);
  assert.equal(dry.neutronWrites + dry.kernelWrites, 0);
  assert.deepEqual((await ports.get(net, s.id)).tags, []);

  const first = await agent().pass();
  assert.deepEqual(first.failures, []);
  assert.equal(first.spokes, 1);
  assert.deepEqual(first.drift, [{ port: s.id, missing: [hubId], stale: [] }]);
  const dev = new Devices();
  const got = await dev.get(interfaceName(hubId), ns);
  assert.equal(got.peers.get(key)?.keepalive, 25);
  assert.deepEqual(
    (await spokesOf(net, hubId)).map((p) => p.id),
    [s.id],
    'the tag `osnet wg` lists by is back',
  );
  const noop = await agent().pass();
  assert.deepEqual(noop.drift, []);
  assert.equal(noop.neutronWrites + noop.kernelWrites, 0, noop.actions.join('\n'));
  assert.ok(noop.neutronCalls <= 3, `${noop.neutronCalls} Neutron calls`);

  // another tool points the spoke at another hub and leaves the tag: the tag goes, and so does the peer
  const fresh = await ports.get(net, s.id);
  await ports.update(net, s.id, {
    'binding:profile': { ...fresh['binding:profile'], peers: [randomUUID()] },
  });
  const moved = await agent().pass();
  assert.deepEqual(moved.failures, []);
  assert.deepEqual(moved.drift, [{ port: s.id, missing: [], stale: [hubId] }]);
  assert.deepEqual((await ports.get(net, s.id)).tags, []);
  assert.equal((await dev.get(interfaceName(hubId), ns)).peers.size, 0);
});

test('a hub made on a subnet not set aside for the mesh is skipped with the reason written once, no interface', async () => {
  const bad = await ports.create(net, {
    network_id: networkId,
    device_owner: HUB_OWNER,
    'binding:host_id': host,
    port_security_enabled: false,
    fixed_ips: [{ subnet_id: plain }],
  });
  lab.cleanup.defer(() => ports.removeIfExists(net, bad.id));
  madeHubs.push(bad.id);
  const r = await agent().pass();
  assert.deepEqual(r.failures, []);
  const skip = r.skipped.find((x) => x.port === bad.id);
  assert.match(String(skip?.reason), /^fixed_ips\[0\]\.subnet_id: .*not set aside for the mesh/);
  assert.equal((await ports.get(net, bad.id))['binding:profile']?.[ERROR_KEY], skip?.reason);
  assert.equal(await new Devices().locate(interfaceName(bad.id), [ns]), undefined);
  const again = await agent().pass();
  assert.equal(again.neutronWrites + again.kernelWrites, 0, again.actions.join('\n'));
});

test('tag drift is put right a bounded number of spokes per pass; every drifted spoke is peered at once', async () => {
  const keys = [generateKeyPair().publicKey, generateKeyPair().publicKey];
  const made = await ports.createMany(
    net,
    keys.map((k) => ({
      network_id: networkId,
      device_owner: SPOKE_OWNER,
      port_security_enabled: false,
      fixed_ips: [{ subnet_id: mesh }],
      'binding:profile': { public_key: k, peers: [hubId] },
    })),
  );
  for (const p of made) lab.cleanup.defer(() => ports.removeIfExists(net, p.id));
  const ids = made.map((p) => p.id);
  const a = new Agent(net, {
    host,
    stateDir,
    endpointAddress: '127.0.0.1',
    statusIntervalMs: 0,
    driftFixesPerPass: 1,
  });
  const tagged = async () => (await spokesOf(net, hubId)).map((p) => p.id).filter((id) => ids.includes(id));
  const first = await a.pass();
  assert.deepEqual(first.drift.map((x) => x.port).sort(), [...ids].sort());
  const peers = (await new Devices().get(interfaceName(hubId), ns)).peers;
  assert.ok(
    keys.every((k) => peers.has(k)),
    'both peered in the first pass',
  );
  assert.equal((await tagged()).length, 1);
  const second = await a.pass();
  assert.equal(second.drift.length, 1);
  assert.equal((await tagged()).length, 2);
  assert.deepEqual((await a.pass()).drift, []);
});
