/**
 * The whole pod path on the lab with osnet-ovs as the delegate: openstack-port-cni asks the real
 * openstack-port-daemon (lab-cni, --node-name = this chassis' hostname, so OVN binds here) for a port, hands osnet-ovs ovs-cni's contract
 * (ovnPort, mac, static IPAM, mtu, bridge, socket_file) at 1.1.0. osnet-ovs runs inside the thin plugin and
 * answers the static IPAM itself: CNI_PATH is an empty directory, with neither osnet-ovs nor static in it.
 * Two pods' ports go ACTIVE through OVN and ping each other; CHECK passes; DEL leaves no OVS port, no veth
 * and no Neutron port. A failing built-in delegate gives its own error JSON, and the port is released.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { attachmentPort } from '../testing/cni/attachment-port.ts';
import { builtPlugins, removeBuiltPlugins } from '../testing/cni/binaries.ts';
import { networkWithDaemon } from '../testing/cni/network-daemon.ts';
import { type CniCall, runCni } from '../testing/cni/run.ts';
import type { Daemon } from '../testing/daemon/daemon.ts';
import { labFixture } from '../testing/openstack/fixture.ts';
import { LAB_DIR } from '../testing/openstack/lab.ts';
import { hostIfname } from './ovs/link.ts';

const DB = `unix:${LAB_DIR}/run/ovs/db.sock`;
const skip = !existsSync(`${LAB_DIR}/run/ovs/db.sock`) ? 'the lab OVS is not up' : false;
const tag = `${process.pid % 100000}`;
const V4 = `10.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 200) + 20}`;

describe('openstack-port-cni + osnet-ovs + OVN, end to end', { skip }, () => {
  const lab = labFixture(['lab-cni'], 'network');
  let net: ServiceClient;
  let daemon: Daemon;
  const portIds = new Map<number, string>();
  let networkId: string;
  let bin: string;
  let cache: string;
  let emptyPath: string;
  const pods = [1, 2].map((i) => ({ ns: `osnet-tovs${tag}-${i}`, id: `osnet-tovs-${tag}-${i}` }));
  const results: Record<string, unknown>[] = [];

  before(async () => {
    [, [net]] = await lab.open();
    ({ networkId, daemon } = await networkWithDaemon(lab, net, 'tovs', V4));
    bin = await builtPlugins();
    cache = await mkdtemp(join(tmpdir(), 'osnet-cni-cache-'));
    emptyPath = await mkdtemp(join(tmpdir(), 'osnet-cni-path-'));
    for (const p of pods) execFileSync('ip', ['netns', 'add', p.ns]);
  });

  after(async () => {
    for (const p of pods) {
      spawnSync('ovs-vsctl', [`--db=${DB}`, '--if-exists', 'del-port', hostIfname(p.id, 'eth0')]);
      spawnSync('ip', ['link', 'del', hostIfname(p.id, 'eth0')]);
      spawnSync('ip', ['netns', 'del', p.ns]);
    }
    await rm(cache, { recursive: true, force: true });
    await rm(emptyPath, { recursive: true, force: true });
    await removeBuiltPlugins();
    await lab.close();
  });

  const call = (i: number, command: string): CniCall => ({
    command,
    containerId: pods[i]!.id,
    netns: `/run/netns/${pods[i]!.ns}`,
    ifname: 'eth0',
    path: emptyPath,
    env: { OSNET_CNI_CACHE_DIR: cache },
  });
  const conf = (extra: Record<string, unknown> = {}) => ({
    cniVersion: '1.1.0',
    name: 'osnet-tovs',
    type: 'openstack-port-cni',
    network_id: networkId,
    delegate_plugin: 'osnet-ovs',
    bridge: 'br-int',
    socket_file: DB,
    socket_path: daemon.socket,
    delegate: { tx_offload: false },
    ...extra,
  });
  const plugin = () => join(bin, 'openstack-port-cni');
  const portOf = (i: number) => portIds.get(i)!;
  async function lookUp(i: number): Promise<string> {
    const p = await attachmentPort(net, { container_id: pods[i]!.id, ifname: 'eth0', network_id: networkId });
    assert.ok(p, `a port for pod ${i}`);
    portIds.set(i, p.id);
    return p.id;
  }

  it('ADD attaches both pods; OVN binds their ports (ACTIVE) and they ping', async () => {
    for (const i of [0, 1]) {
      const r = await runCni(plugin(), call(i, 'ADD'), conf());
      assert.equal(r.code, 0, r.stdout);
      results.push(r.json!);
      await lookUp(i);
      const ids = spawnSync(
        'ovs-vsctl',
        [`--db=${DB}`, 'get', 'Interface', hostIfname(pods[i]!.id, 'eth0'), 'external_ids:iface-id'],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(ids.stdout.trim(), `"${portOf(i)}"`);
    }
    for (const i of [0, 1]) {
      let status = '';
      for (let n = 0; n < 150 && status !== 'ACTIVE'; n++) {
        if (n) await sleep(200);
        status = (await net.get<{ port: { status: string } }>(`ports/${portOf(i)}`)).body.port.status;
      }
      assert.equal(status, 'ACTIVE');
    }
    const target = (results[1] as { ips: { address: string }[] }).ips[0]!.address.split('/')[0]!;
    execFileSync('ip', ['netns', 'exec', pods[0]!.ns, 'ping', '-c', '2', '-i', '0.2', '-W', '2', target]);
  });

  it('CHECK passes; DEL removes the OVS port, the veth and the Neutron port', async () => {
    for (const i of [0, 1]) {
      const check = await runCni(plugin(), call(i, 'CHECK'), conf({ prevResult: results[i] }));
      assert.equal(check.code, 0, check.stdout);
    }
    for (const i of [0, 1]) {
      const id = portOf(i);
      const del = await runCni(plugin(), call(i, 'DEL'), conf());
      assert.equal(del.code, 0, del.stdout);
      const host = hostIfname(pods[i]!.id, 'eth0');
      assert.notEqual(spawnSync('ovs-vsctl', [`--db=${DB}`, 'port-to-br', host]).status, 0);
      assert.notEqual(spawnSync('ip', ['link', 'show', host]).status, 0);
      await assert.rejects(net.get(`ports/${id}`), NotFoundError);
    }
  });

  it('GC goes to osnet-ovs and the daemon: only the attachment not valid loses its OVS port and its Neutron port', async () => {
    for (const i of [0, 1]) {
      assert.equal((await runCni(plugin(), call(i, 'ADD'), conf())).code, 0);
      await lookUp(i);
    }
    const [gone, kept] = [portOf(0), portOf(1)];
    const gc = await runCni(
      plugin(),
      { command: 'GC', path: emptyPath, env: { OSNET_CNI_CACHE_DIR: cache } },
      { ...conf(), 'cni.dev/valid-attachments': [{ containerID: pods[1]!.id, ifname: 'eth0' }] },
    );
    assert.equal(gc.code, 0, gc.stdout);
    assert.notEqual(
      spawnSync('ovs-vsctl', [`--db=${DB}`, 'port-to-br', hostIfname(pods[0]!.id, 'eth0')]).status,
      0,
    );
    await assert.rejects(net.get(`ports/${gone}`), NotFoundError);
    const ovsKept = spawnSync('ovs-vsctl', [`--db=${DB}`, 'port-to-br', hostIfname(pods[1]!.id, 'eth0')], {
      encoding: 'utf8',
    });
    assert.equal(ovsKept.stdout.trim(), 'br-int');
    assert.equal((await net.get<{ port: { id: string } }>(`ports/${kept}`)).body.port.id, kept);
    for (const i of [0, 1]) assert.equal((await runCni(plugin(), call(i, 'DEL'), conf())).code, 0);
  });

  it('a failing built-in delegate: its error JSON (code 7 naming the bridge), the port released, nothing attached', async () => {
    const r = await runCni(plugin(), call(0, 'ADD'), conf({ bridge: `br-no${tag}` }));
    assert.equal(r.code, 1);
    assert.equal(r.json?.code, 7, r.stdout);
    assert.match(
      String(r.json?.msg),
      new RegExp(`^delegate osnet-ovs ADD: bridge br-no${tag} does not exist`),
    );
    const key = { container_id: pods[0]!.id, ifname: 'eth0', network_id: networkId };
    assert.equal(await attachmentPort(net, key), undefined, 'the port was released');
    assert.notEqual(spawnSync('ip', ['link', 'show', hostIfname(pods[0]!.id, 'eth0')]).status, 0);
    assert.notEqual(spawnSync('ip', ['-n', pods[0]!.ns, 'link', 'show', 'eth0']).status, 0);
  });
});
