/**
 * osnet-ovs on the lab's real OVS (userspace datapath) and OVN: two Neutron ports bound to this chassis,
 * two network namespaces attached by the built osnet-ovs with a static IPAM (answered in-process). OVN binds both (the
 * ports go ACTIVE), they ping and speak TCP through OVN, CHECK passes, and DEL leaves no OVS port or veth;
 * CHECK fails once the pod interface is gone; GC removes only what is not valid.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { builtPlugins, removeBuiltPlugins } from '../../testing/cni/binaries.ts';
import { type CniCall, runCni } from '../../testing/cni/run.ts';
import { labFixture } from '../../testing/openstack/fixture.ts';
import { LAB_DIR, testName } from '../../testing/openstack/lab.ts';
import { hostIfname } from './link.ts';

const DB = `unix:${LAB_DIR}/run/ovs/db.sock`;
const skip = !existsSync(`${LAB_DIR}/run/ovs/db.sock`) ? 'the lab OVS is not up (scripts/lab/up)' : false;
const tag = `${process.pid % 100000}`;
const V4 = `10.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 200) + 20}`;

interface Port {
  id: string;
  status: string;
  mac_address: string;
  fixed_ips: { ip_address: string }[];
}

const vsctl = (...args: string[]) =>
  spawnSync('ovs-vsctl', [`--db=${DB}`, '--timeout=10', ...args], { encoding: 'utf8' });

describe('osnet-ovs attaches Neutron ports through OVN', { skip }, () => {
  const lab = labFixture(['lab-admin'], 'network');
  let net: ServiceClient;
  let bin: string;
  let mtu: number;
  const ports: Port[] = [];
  const pods = [1, 2].map((i) => ({ ns: `osnet-ovst${tag}-${i}`, id: `osnet-ovst-${tag}-${i}` }));

  before(async () => {
    [, [net]] = await lab.open();
    const { body } = await net.post<{ network: { id: string; mtu: number } }>('networks', {
      body: { network: { name: testName('ovs') } },
    });
    const networkId = body.network.id;
    mtu = body.network.mtu;
    lab.cleanup.defer(() => net.delete(`networks/${networkId}`));
    await net.post('subnets', {
      body: { subnet: { network_id: networkId, ip_version: 4, cidr: `${V4}.0/24` } },
    });
    for (const p of pods) {
      const { body: pb } = await net.post<{ port: Port }>('ports', {
        body: {
          port: {
            name: `${p.id}`,
            network_id: networkId,
            device_owner: 'compute:osnet-test',
            'binding:host_id': hostname(),
          },
        },
      });
      ports.push(pb.port);
      lab.cleanup.defer(() => net.delete(`ports/${pb.port.id}`).catch(() => undefined));
      execFileSync('ip', ['netns', 'add', p.ns]);
      execFileSync('ip', ['-n', p.ns, 'link', 'set', 'lo', 'up']);
    }
    bin = await builtPlugins();
  });

  after(async () => {
    for (const p of pods) {
      vsctl('--if-exists', 'del-port', hostIfname(p.id, 'eth0'));
      spawnSync('ip', ['link', 'del', hostIfname(p.id, 'eth0')]);
      spawnSync('ip', ['netns', 'del', p.ns]);
    }
    await removeBuiltPlugins();
    await lab.close();
  });

  const call = (i: number, command: string): CniCall => ({
    command,
    containerId: pods[i]!.id,
    netns: `/run/netns/${pods[i]!.ns}`,
    ifname: 'eth0',
    path: `/usr/lib/cni:${bin}`,
  });
  const conf = (i: number, v = '1.1.0', extra: Record<string, unknown> = {}) => ({
    cniVersion: v,
    name: 'osnet-ovs-test',
    type: 'osnet-ovs',
    bridge: 'br-int',
    socket_file: DB,
    mtu,
    tx_offload: false,
    args: { cni: { ovnPort: ports[i]!.id, mac: ports[i]!.mac_address } },
    ipam: {
      type: 'static',
      addresses: [{ address: `${ports[i]!.fixed_ips[0]!.ip_address}/24`, gateway: `${V4}.1` }],
    },
    ...extra,
  });
  const ovs = () => join(bin, 'osnet-ovs');
  const results: Record<string, unknown>[] = [];

  it('ADD: veth with the Neutron MAC, IP and MTU; OVS port with iface-id; both ports go ACTIVE', async () => {
    for (const i of [0, 1]) {
      const r = await runCni(ovs(), call(i, 'ADD'), conf(i));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const res = r.json as {
        interfaces: { name: string; mac: string; mtu?: number; sandbox?: string }[];
        ips: { address: string; interface: number }[];
      };
      results.push(r.json!);
      assert.equal(res.interfaces[1]!.mac, ports[i]!.mac_address);
      assert.equal(res.interfaces[1]!.mtu, mtu);
      assert.equal(res.ips[0]!.address, `${ports[i]!.fixed_ips[0]!.ip_address}/24`);
      assert.equal(res.ips[0]!.interface, 1);
      const host = hostIfname(pods[i]!.id, 'eth0');
      assert.equal(res.interfaces[0]!.name, host);
      assert.equal(
        vsctl('get', 'Interface', host, 'external_ids:iface-id').stdout.trim(),
        `"${ports[i]!.id}"`,
      );
      const link = JSON.parse(
        execFileSync('ip', ['-j', '-n', pods[i]!.ns, 'link', 'show', 'eth0'], { encoding: 'utf8' }),
      )[0];
      assert.equal(link.address, ports[i]!.mac_address);
      assert.equal(link.mtu, mtu);
      const features = execFileSync('ethtool', ['-k', host], { encoding: 'utf8' });
      assert.match(features, /tx-checksumming: off/);
    }
    for (const p of ports) {
      let status = '';
      for (let n = 0; n < 150 && status !== 'ACTIVE'; n++) {
        if (n) await sleep(200);
        status = (await net.get<{ port: Port }>(`ports/${p.id}`)).body.port.status;
      }
      assert.equal(status, 'ACTIVE', `port ${p.id}`);
    }
  });

  it('the two namespaces ping and speak TCP to each other through OVN', async () => {
    const target = ports[1]!.fixed_ips[0]!.ip_address;
    execFileSync('ip', ['netns', 'exec', pods[0]!.ns, 'ping', '-c', '2', '-i', '0.2', '-W', '2', target]);
    const server = spawn(
      'ip',
      [
        'netns',
        'exec',
        pods[1]!.ns,
        'socat',
        '-T',
        '5',
        'TCP-LISTEN:7777,reuseaddr',
        'SYSTEM:echo osnet-tcp-ok',
      ],
      {
        stdio: 'ignore',
      },
    );
    try {
      await sleep(300);
      const out = execFileSync(
        'ip',
        ['netns', 'exec', pods[0]!.ns, 'socat', '-T', '5', '-', `TCP:${target}:7777,connect-timeout=5`],
        {
          encoding: 'utf8',
          input: '',
          timeout: 10_000,
        },
      );
      assert.match(out, /osnet-tcp-ok/);
    } finally {
      server.kill();
    }
  });

  it('CHECK passes against the ADD result, in the version asked', async () => {
    for (const i of [0, 1]) {
      const r = await runCni(ovs(), call(i, 'CHECK'), conf(i, '1.1.0', { prevResult: results[i] }));
      assert.equal(r.code, 0, r.stdout);
    }
  });

  it('DEL removes the OVS port and the veth, twice; CHECK then fails', async () => {
    const host = hostIfname(pods[0]!.id, 'eth0');
    for (const round of [1, 2]) {
      const r = await runCni(ovs(), call(0, 'DEL'), conf(0));
      assert.equal(r.code, 0, `DEL ${round}: ${r.stdout}`);
    }
    assert.notEqual(vsctl('port-to-br', host).status, 0, 'OVS port gone');
    assert.notEqual(spawnSync('ip', ['link', 'show', host]).status, 0, 'host veth gone');
    assert.notEqual(spawnSync('ip', ['-n', pods[0]!.ns, 'link', 'show', 'eth0']).status, 0, 'pod veth gone');
    const check = await runCni(ovs(), call(0, 'CHECK'), conf(0, '1.1.0', { prevResult: results[0] }));
    assert.equal(check.code, 1);
    assert.match(String(check.json?.msg), /eth0 is missing/);
  });

  it('CHECK fails when the pod interface is removed; DEL then cleans the host side, also with the netns gone', async () => {
    execFileSync('ip', ['-n', pods[1]!.ns, 'link', 'del', 'eth0']);
    const check = await runCni(ovs(), call(1, 'CHECK'), conf(1, '1.1.0', { prevResult: results[1] }));
    assert.equal(check.code, 1);
    execFileSync('ip', ['netns', 'del', pods[1]!.ns]);
    const r = await runCni(ovs(), call(1, 'DEL'), conf(1));
    assert.equal(r.code, 0, r.stdout);
    assert.notEqual(vsctl('port-to-br', hostIfname(pods[1]!.id, 'eth0')).status, 0);
    execFileSync('ip', ['netns', 'add', pods[1]!.ns]);
  });

  it('GC removes its ports of this network that are not valid, and keeps the valid ones', async () => {
    for (const i of [0, 1]) assert.equal((await runCni(ovs(), call(i, 'ADD'), conf(i))).code, 0);
    const gc = await runCni(
      ovs(),
      { command: 'GC', path: `/usr/lib/cni:${bin}` },
      { ...conf(0), 'cni.dev/valid-attachments': [{ containerID: pods[1]!.id, ifname: 'eth0' }] },
    );
    assert.equal(gc.code, 0, gc.stdout);
    assert.notEqual(vsctl('port-to-br', hostIfname(pods[0]!.id, 'eth0')).status, 0, 'invalid one removed');
    assert.equal(
      vsctl('port-to-br', hostIfname(pods[1]!.id, 'eth0')).stdout.trim(),
      'br-int',
      'valid one kept',
    );
    const st = await runCni(ovs(), { command: 'STATUS' }, conf(0));
    assert.equal(st.code, 0, st.stdout);
    const down = await runCni(
      ovs(),
      { command: 'STATUS' },
      conf(0, '1.1.0', { socket_file: '/nonexistent/db.sock' }),
    );
    assert.equal(down.json?.code, 50);
    assert.equal((await runCni(ovs(), call(1, 'DEL'), conf(1))).code, 0);
  });
});
