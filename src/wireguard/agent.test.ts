// Integration (root): the agent against the lab's Neutron and this host's namespaces, wireguard-go where
// the kernel has no WireGuard. A spoke device in its own namespace (config from export, its own key) and
// the hub ping each other through the tunnel over IPv4 and IPv6.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Exec } from '../host/exec.ts';
import { addNetns, delNetns, listNetns } from '../host/netns.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { networks, ports, routers, subnets, tags } from '../openstack/networking/v2/index.ts';
import { labFixture } from '../testing/openstack/fixture.ts';
import { LAB_CLOUDS, REPO_ROOT, testName } from '../testing/openstack/lab.ts';
import { Agent, type PassResult } from './agent.ts';
import { Devices } from './device.ts';
import { exportSpoke } from './export.ts';
import { generateKeyPair, generatePresharedKey, publicKeyOf } from './keys.ts';
import { agentMetrics } from './metrics.ts';
import {
  ERROR_KEY,
  interfaceName,
  otherInterfaceName,
  projectNamespace,
  ROTATION_KEY,
  SPOKE_OWNER,
  STATUS_KEY,
} from './model.ts';
import { createHub, createSpoke, MESH_TAG, rotateHub, spokesOf } from './neutron.ts';

const run = promisify(execFile);
const ex = new Exec({ timeoutMs: 30_000 });
const lab = labFixture(['lab-admin'], 'network');
const rnd = Math.random().toString(36).slice(2, 7);
const host = `wgtest-${rnd}`;
const spokeNs = `wgdev-${rnd}`;
const veth = `wgv${rnd}`;
const spokeIf = `wgs${rnd}`;
const outer = '192.168.251.1';
let net: ServiceClient;
let stateDir: string;
let v4: string;
let v6: string;
let hubId: string;
let projectId: string;
const device = generateKeyPair();

before(async () => {
  [, [net]] = await lab.open();
  stateDir = await mkdtemp(join(tmpdir(), 'osnet-wg-'));
  lab.cleanup.defer(() => rm(stateDir, { recursive: true, force: true }));
  const n = await networks.create(net, { name: testName('wgagent') });
  lab.cleanup.defer(() => networks.removeIfExists(net, n.id));
  v4 = (await subnets.create(net, { network_id: n.id, cidr: '10.210.0.0/24', ip_version: 4 })).id;
  v6 = (await subnets.create(net, { network_id: n.id, cidr: 'fd21:1::/64', ip_version: 6 })).id;
  await tags.add(net, 'subnets', v4, MESH_TAG);
  await tags.add(net, 'subnets', v6, MESH_TAG);
  const hub = await createHub(net, { host, subnets: [v4, v6], ips: ['10.210.0.1', 'fd21:1::1'] });
  lab.cleanup.defer(() => ports.removeIfExists(net, hub.id));
  hubId = hub.id;
  projectId = hub.project_id;
  // the device's "internet": a veth from the root namespace into the device's namespace
  await addNetns(spokeNs);
  lab.cleanup.defer(() => delNetns(spokeNs));
  await ex.run(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', spokeNs]);
  lab.cleanup.defer(() => ex.run(['ip', 'link', 'del', veth]).catch(() => undefined));
  await ex.run(['ip', 'addr', 'add', `${outer}/30`, 'dev', veth]);
  await ex.run(['ip', 'link', 'set', veth, 'up']);
  await ex.run(['ip', '-n', spokeNs, 'addr', 'add', '192.168.251.2/30', 'dev', 'eth0']);
  await ex.run(['ip', '-n', spokeNs, 'link', 'set', 'eth0', 'up']);
});
after(async () => {
  // the device's userspace WireGuard goes with its interface
  await ex.run(['ip', '-n', spokeNs, 'link', 'del', spokeIf]).catch(() => undefined);
  const ns = projectNamespace(projectId);
  for (const name of [interfaceName(hubId), otherInterfaceName(hubId, interfaceName(hubId))])
    await ex.run(['ip', '-n', ns, 'link', 'del', name]).catch(() => undefined);
  await delNetns(ns);
  await lab.close();
});

async function agentCli(extra: string[]): Promise<PassResult & { actions: string[] }> {
  const { stdout } = await run(
    process.execPath,
    [
      join(REPO_ROOT, 'src', 'cmd', 'osnet-wg-agent.ts'),
      '--once',
      '--os-cloud',
      'lab-admin',
      '--host',
      host,
      '--state-dir',
      stateDir,
      '--endpoint-address',
      outer,
      ...extra,
    ],
    { env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS } },
  );
  return JSON.parse(stdout) as PassResult;
}

function agent(o: { dryRun?: boolean } = {}): Agent {
  return new Agent(net, { host, stateDir, endpointAddress: outer, statusIntervalMs: 0, ...o });
}

async function ping(ns: string, ip: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await ex.read(['ip', 'netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', ip]);
      return;
    } catch (e) {
      if (i >= 15) throw e;
    }
  }
}

test('hub + spoke: interface in the project namespace, profile written back, no-op and dry-run write nothing, pings over v4 and v6', async () => {
  const psk = generatePresharedKey();
  const pskFile = join(stateDir, 'psk-device');
  await writeFile(pskFile, `${psk}\n`, { mode: 0o600 });
  const spoke = await createSpoke(net, {
    publicKey: device.publicKey,
    peers: [hubId],
    keepalive: 5,
    ips: ['10.210.0.10', 'fd21:1::10'],
    endpoint: '192.168.251.2:51999',
    presharedKeyRef: `file:${pskFile}`,
  });
  lab.cleanup.defer(() => ports.removeIfExists(net, spoke.id));
  assert.equal(
    JSON.stringify(await ports.get(net, spoke.id)).includes(psk),
    false,
    'the PSK never goes to Neutron',
  );
  const ns = projectNamespace(projectId);
  const ifname = interfaceName(hubId);

  // the executable, dry-run: says what it would do, creates nothing, writes nothing back
  const dryCli = await agentCli(['--dry-run']);
  assert.ok(
    dryCli.actions.some((a: string) => a.includes(`create ${ifname}`)),
    dryCli.actions.join('\n'),
  );
  assert.equal(dryCli.neutronWrites + dryCli.kernelWrites, 0);
  assert.equal((await listNetns()).includes(ns), false);
  assert.equal((await ports.get(net, hubId))['binding:profile']?.public_key, undefined);

  // something else holds the first port of the range: the hub must take another
  const squatter = createSocket('udp4');
  await new Promise<void>((ok) => squatter.bind(51820, () => ok()));
  const first = await agentCli([]).finally(() => squatter.close());
  assert.deepEqual(first.failures, []);
  assert.equal(first.hubs, 1);
  assert.equal(first.spokes, 1);
  assert.ok((await listNetns()).includes(ns), `namespace ${ns}`);
  const dev = new Devices();
  assert.deepEqual(await dev.locate(ifname, [ns]), { ns });
  const got = await dev.get(ifname, ns);
  assert.ok(got.listenPort! > 51820 && got.listenPort! <= 52819, `listen port ${got.listenPort}`);
  assert.deepEqual(got.peers.get(device.publicKey)?.allowedIps.sort(), ['10.210.0.10/32', 'fd21:1::10/128']);
  assert.equal(got.peers.get(device.publicKey)?.keepalive, 5);
  assert.equal(got.peers.get(device.publicKey)?.endpoint, '192.168.251.2:51999');
  assert.equal(got.peers.get(device.publicKey)?.presharedKey, psk);
  const key = await import('node:fs/promises').then((f) =>
    f.readFile(join(stateDir, 'keys', `${hubId}.key`), 'utf8'),
  );
  assert.equal(((await stat(join(stateDir, 'keys', `${hubId}.key`))).mode & 0o777).toString(8), '600');
  const hub = await ports.get(net, hubId);
  assert.equal(hub['binding:profile']?.public_key, publicKeyOf(key.trim()));
  assert.equal(
    (await ports.get(net, spoke.id))['binding:profile']?.[STATUS_KEY],
    undefined,
    'no status written for a spoke never seen',
  );
  assert.equal(hub['binding:profile']?.endpoint, `${outer}:${got.listenPort}`);

  const noop = await agent().pass();
  assert.deepEqual(noop.actions, []);
  assert.equal(noop.kernelWrites, 0);
  assert.equal(noop.neutronWrites, 0);
  assert.ok(noop.neutronCalls <= 3, `${noop.neutronCalls} Neutron calls`);

  // a second spoke (another key) appears: dry-run says so and changes nothing
  const other = await createSpoke(net, { publicKey: generateKeyPair().publicKey, peers: [hubId] });
  lab.cleanup.defer(() => ports.removeIfExists(net, other.id));
  const dry = await agent({ dryRun: true }).pass();
  assert.ok(
    dry.actions.some((a) => a.includes('1 peer(s) added')),
    dry.actions.join('\n'),
  );
  assert.equal(dry.kernelWrites, 0);
  assert.equal(dry.neutronWrites, 0);
  assert.equal((await dev.get(ifname, ns)).peers.size, 1);
  // applied, it is one more peer in one write; removed again, one write too
  const add = await agent().pass();
  assert.equal((await dev.get(ifname, ns)).peers.size, 2);
  assert.equal(add.kernelWrites, 1);
  await ports.remove(net, other.id);
  const rm1 = await agent().pass();
  assert.equal(rm1.kernelWrites, 1);
  assert.equal((await dev.get(ifname, ns)).peers.size, 1);

  // the device: wg-quick with the exported config and its own key
  const conf = await exportSpoke(net, spoke.id, { privateKey: device.privateKey });
  const file = join(stateDir, `${spokeIf}.conf`);
  await writeFile(file, conf, { mode: 0o600 });
  await ex.run(['ip', 'netns', 'exec', spokeNs, 'wg-quick', 'up', file]);
  await ping(spokeNs, '10.210.0.1');
  await ping(spokeNs, 'fd21:1::1');
  await ping(ns, '10.210.0.10');
  await ping(ns, 'fd21:1::10');
  assert.match(conf, new RegExp(`PresharedKey = ${psk.replace(/[+/]/g, '.')}`));

  // status: up goes back to the spoke at once, then no more often than the interval
  const withStatus = new Agent(net, { host, stateDir, endpointAddress: outer, statusIntervalMs: 60_000 });
  const st = await withStatus.pass();
  assert.equal(st.neutronWrites, 1, `one read-modify-write of the spoke profile: ${st.actions}`);
  const status = (await ports.get(net, spoke.id))['binding:profile']?.[STATUS_KEY] as Record<
    string,
    { up: boolean; rx_bytes: number; latest_handshake: number }
  >;
  assert.equal(status[hubId]?.up, true);
  assert.ok(status[hubId]!.rx_bytes > 0);
  await ping(spokeNs, '10.210.0.1');
  assert.equal((await withStatus.pass()).neutronWrites, 0, 'bounded: not again within the interval');
  const { Registry } = await import('prom-client');
  const prom = await import('prom-client');
  const reg = new Registry();
  agentMetrics(prom, reg).record(st, 0.1);
  const text = await reg.metrics();
  assert.match(
    text,
    new RegExp(
      `wireguard_peer_last_handshake_seconds\\{hub="${hubId}",spoke="${spoke.id}"[^}]*\\} ${status[hubId]!.latest_handshake}`,
    ),
  );
  assert.match(text, new RegExp(`osnet_wg_peer_up\\{hub="${hubId}",spoke="${spoke.id}"[^}]*\\} 1`));

  // restart: a new agent on the same state keeps the key, the port and the tunnel, and writes nothing
  const restarted = await agent().pass();
  assert.equal(restarted.kernelWrites, 0);
  assert.equal(restarted.neutronWrites, 0);
  await ping(spokeNs, '10.210.0.1');
});

test('rotation: the old key keeps working during the overlap, a re-exported device moves to the new one, then the old is retired', async () => {
  const ns = projectNamespace(projectId);
  const dev = new Devices();
  const [spoke] = await spokesOf(net, hubId);
  const oldIf = interfaceName(hubId);
  const newIf = otherInterfaceName(hubId, oldIf);
  const oldPub = (await ports.get(net, hubId))['binding:profile']?.public_key;
  const overlap = 15;
  await rotateHub(net, hubId, overlap);
  await assert.rejects(() => rotateHub(net, hubId, overlap), /already rotating/);
  const started = await agent().pass();
  assert.deepEqual(started.failures, []);
  const hub = await ports.get(net, hubId);
  const newPub = hub['binding:profile']?.public_key as string;
  assert.notEqual(newPub, oldPub);
  assert.deepEqual(await dev.locate(newIf, [ns]), { ns });
  assert.deepEqual(await dev.locate(oldIf, [ns]), { ns });
  assert.ok(existsSync(join(stateDir, 'keys', `${hubId}.key.old`)));
  await ping(spokeNs, '10.210.0.1'); // the device still has the old key and endpoint

  const file = join(stateDir, `${spokeIf}.conf`);
  const conf = await exportSpoke(net, spoke!.id, { privateKey: device.privateKey });
  assert.ok(conf.includes(`PublicKey = ${newPub}`));
  assert.ok(conf.includes(`Endpoint = ${hub['binding:profile']?.endpoint}`));
  await ex.run(['ip', 'netns', 'exec', spokeNs, 'wg-quick', 'down', file]);
  await writeFile(file, conf, { mode: 0o600 });
  await ex.run(['ip', 'netns', 'exec', spokeNs, 'wg-quick', 'up', file]);
  for (
    let i = 0;
    ((await dev.get(newIf, ns)).peers.get(device.publicKey)?.lastHandshakeSec ?? 0) === 0;
    i++
  ) {
    assert.ok(i < 100, 'the device handshakes with the new key');
    await new Promise((r) => setTimeout(r, 100));
  }
  await agent().pass(); // routes the moved spoke's replies through the new interface
  await ping(spokeNs, '10.210.0.1');
  await ping(spokeNs, 'fd21:1::1');
  await ping(ns, '10.210.0.10');

  const requested = (hub['binding:profile']![ROTATION_KEY] as { requested_at: number }).requested_at;
  const wait = (requested + overlap) * 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 1000));
  const done = await agent().pass();
  assert.deepEqual(done.failures, []);
  assert.equal(await dev.locate(oldIf, [ns]), undefined, 'old interface retired');
  assert.equal(existsSync(join(stateDir, 'keys', `${hubId}.key.old`)), false);
  const rot = (await ports.get(net, hubId))['binding:profile']?.[ROTATION_KEY] as { done_at?: number };
  assert.ok(rot.done_at !== undefined);
  await ping(spokeNs, '10.210.0.1');
  await ping(ns, 'fd21:1::10');
  const noop = await agent().pass();
  assert.equal(noop.kernelWrites + noop.neutronWrites, 0, noop.actions.join('\n'));
});

test('an invalid spoke made by another tool is skipped with the reason written back', async () => {
  const bad = await ports.create(net, {
    network_id: (await ports.get(net, hubId)).network_id,
    device_owner: SPOKE_OWNER,
    'binding:profile': { public_key: 'not-a-key', peers: [hubId] },
    fixed_ips: [{ subnet_id: v4 }],
  });
  lab.cleanup.defer(() => ports.removeIfExists(net, bad.id));
  await tags.add(net, 'ports', bad.id, `wg-peer:${hubId}`);
  const r = await agent().pass();
  assert.deepEqual(
    r.skipped.map((s) => s.port),
    [bad.id],
  );
  assert.match(String((await ports.get(net, bad.id))['binding:profile']?.[ERROR_KEY]), /public_key/);
  const again = await agent().pass();
  assert.equal(again.neutronWrites, 0, 'the same reason is not written twice');
  await ports.remove(net, bad.id);
});

test('router: a hub added to a router follows it into the router namespace (or stays, saying why, where there is none); removed from it, interface and key go', async () => {
  const ns = projectNamespace(projectId);
  const dev = new Devices();
  const keyFile = join(stateDir, 'keys', `${hubId}.key`);
  const ifname = (
    JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as {
      hubs: Record<string, { ifname: string }>;
    }
  ).hubs[hubId]!.ifname;
  const router = await routers.create(net, { name: testName('wgr') });
  lab.cleanup.defer(() => routers.removeIfExists(net, router.id));
  await routers.addInterface(net, router.id, { port_id: hubId });
  assert.equal((await ports.get(net, hubId)).device_owner, 'network:router_interface');

  // ML2/OVN keeps no router namespace on the host: the hub stays where it is, with the reason, key kept
  const stay = await agent().pass();
  assert.deepEqual(stay.failures, []);
  assert.deepEqual(await dev.locate(ifname, [ns]), { ns });
  assert.match(
    String((await ports.get(net, hubId))['binding:profile']?.[ERROR_KEY]),
    /no namespace qrouter-/,
  );
  assert.ok(existsSync(keyFile));
  await ping(spokeNs, '10.210.0.1');

  // where the L3 agent keeps one (made here as it would), the interface moves into it and the tunnel works
  const rns = `qrouter-${router.id}`;
  await addNetns(rns);
  lab.cleanup.defer(() => delNetns(rns));
  const moved = await agent().pass();
  assert.deepEqual(moved.failures, []);
  assert.deepEqual(await dev.locate(ifname, [rns]), { ns: rns });
  assert.equal((await ports.get(net, hubId))['binding:profile']?.[ERROR_KEY], undefined);
  await ping(spokeNs, '10.210.0.1');
  await ping(rns, 'fd21:1::10');
  const noop = await agent().pass();
  assert.equal(noop.kernelWrites + noop.neutronWrites, 0, noop.actions.join('\n'));

  // removed from the router, Neutron deletes the port: the agent removes interface and key, and leaves
  // the router's namespace (not ours) alone; the project namespace, now empty, goes
  await routers.removeInterface(net, router.id, { port_id: hubId });
  const gone = await agent().pass();
  assert.deepEqual(gone.failures, []);
  assert.equal(await dev.locate(ifname, [rns, ns]), undefined);
  assert.equal(existsSync(keyFile), false);
  assert.ok((await listNetns()).includes(rns));
  assert.equal((await listNetns()).includes(ns), false);
});
