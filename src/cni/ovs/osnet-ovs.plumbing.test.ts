/**
 * osnet-ovs's plumbing on the lab's OVS (br-int, no Neutron port: nothing binds them) in throwaway
 * namespaces, with no `static` binary in CNI_PATH (its IPAM is answered in-process): dual-stack addresses,
 * routes and DNS as the config gives them, the MTU on both ends, TX offload off on both ends, a random MAC
 * when none is given; a host end left by an earlier attempt is replaced; and every failure leaves nothing:
 * a pod interface that already has the name (kept as it was), a bridge that does not exist, a route the
 * kernel refuses half-way through. CNI_ARGS IP sends the IPAM to Debian's static.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtPlugins, removeBuiltPlugins } from '../../testing/cni/binaries.ts';
import { type CniCall, runCni } from '../../testing/cni/run.ts';
import { LAB_DIR } from '../../testing/openstack/lab.ts';
import { hostIfname } from './link.ts';

const DB = `unix:${LAB_DIR}/run/ovs/db.sock`;
const skip = !existsSync(`${LAB_DIR}/run/ovs/db.sock`) ? 'the lab OVS is not up (scripts/lab/up)' : false;
const tag = `${process.pid % 100000}`;
const vsctl = (...args: string[]) =>
  spawnSync('ovs-vsctl', [`--db=${DB}`, '--timeout=10', ...args], { encoding: 'utf8' });
const ipJson = (args: string[]) =>
  JSON.parse(execFileSync('ip', ['-j', ...args], { encoding: 'utf8' }) || '[]');
const hostLink = (name: string) => spawnSync('ip', ['link', 'show', name]).status === 0;

describe('osnet-ovs plumbing: one ip batch, in-process static, nothing half-made', { skip }, () => {
  let bin: string;
  const made: string[] = [];
  const ns = (i: number) => `osnet-ovsp${tag}-${i}`;
  const id = (i: number) => `osnet-ovsp-${tag}-${i}`;

  before(async () => {
    bin = await builtPlugins();
    for (const i of [0, 1, 2, 3, 4, 5]) {
      execFileSync('ip', ['netns', 'add', ns(i)]);
      made.push(ns(i));
    }
  });
  after(async () => {
    for (const i of [0, 1, 2, 3, 4, 5]) {
      vsctl('--if-exists', 'del-port', hostIfname(id(i), 'eth0'));
      spawnSync('ip', ['link', 'del', hostIfname(id(i), 'eth0')]);
    }
    for (const n of made) spawnSync('ip', ['netns', 'del', n]);
    await removeBuiltPlugins();
  });

  const call = (i: number, command: string, path?: string): CniCall => ({
    command,
    containerId: id(i),
    netns: `/run/netns/${ns(i)}`,
    ifname: 'eth0',
    path: path ?? bin,
  });
  const conf = (extra: Record<string, unknown> = {}) => ({
    cniVersion: '1.1.0',
    name: 'osnet-ovs-plumbing',
    type: 'osnet-ovs',
    bridge: 'br-int',
    socket_file: DB,
    mtu: 1400,
    tx_offload: false,
    ipam: {
      type: 'static',
      addresses: [
        { address: '10.77.1.5/24', gateway: '10.77.1.1' },
        { address: 'fd00:77:1::5/64', gateway: 'fd00:77:1::1' },
      ],
      routes: [{ dst: '0.0.0.0/0' }, { dst: '192.168.77.0/24', gw: '10.77.1.254' }, { dst: '::/0' }],
      dns: { nameservers: ['10.77.1.53'] },
    },
    ...extra,
  });
  const ovs = () => join(bin, 'osnet-ovs');

  it('ADD without a static binary: dual-stack addresses, routes, DNS, MTU and TX offload off on both ends', async () => {
    const r = await runCni(ovs(), call(0, 'ADD'), conf());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const res = r.json as {
      interfaces: { name: string; mac: string; sandbox?: string }[];
      ips: { address: string; gateway: string; interface: number }[];
      routes: { dst: string; gw?: string }[];
      dns: { nameservers: string[] };
    };
    const host = hostIfname(id(0), 'eth0');
    assert.deepEqual(
      res.ips,
      conf().ipam.addresses.map((a) => ({ ...a, interface: 1 })),
    );
    assert.deepEqual(res.routes, conf().ipam.routes);
    assert.deepEqual(res.dns, { nameservers: ['10.77.1.53'] });
    const [pod] = ipJson(['-n', ns(0), 'addr', 'show', 'eth0']);
    assert.equal(pod.mtu, 1400);
    assert.equal(pod.address, res.interfaces[1]!.mac);
    assert.match(pod.address, /^.[26ae]:/, 'a random MAC is locally administered and unicast');
    assert.deepEqual(
      pod.addr_info
        .filter((a: { scope: string }) => a.scope === 'global')
        .map((a: { local: string; prefixlen: number }) => `${a.local}/${a.prefixlen}`),
      ['10.77.1.5/24', 'fd00:77:1::5/64'],
    );
    const routes4 = ipJson(['-n', ns(0), '-4', 'route', 'show']).map(
      (x: { dst: string; gateway?: string }) => `${x.dst} ${x.gateway ?? ''}`,
    );
    assert.ok(routes4.includes('default 10.77.1.1'), routes4.join(','));
    assert.ok(routes4.includes('192.168.77.0/24 10.77.1.254'), routes4.join(','));
    const routes6 = ipJson(['-n', ns(0), '-6', 'route', 'show']).map(
      (x: { dst: string; gateway?: string }) => `${x.dst} ${x.gateway ?? ''}`,
    );
    assert.ok(routes6.includes('default fd00:77:1::1'), routes6.join(','));
    const [h] = ipJson(['link', 'show', host]);
    assert.equal(h.mtu, 1400);
    assert.equal(h.address, res.interfaces[0]!.mac);
    assert.ok(h.flags.includes('UP'), 'host end up');
    assert.match(execFileSync('ethtool', ['-k', host], { encoding: 'utf8' }), /tx-checksumming: off/);
    const podFeatures = execFileSync('ip', ['netns', 'exec', ns(0), 'ethtool', '-k', 'eth0'], {
      encoding: 'utf8',
    });
    assert.match(podFeatures, /tx-checksumming: off/);
    assert.equal(vsctl('port-to-br', host).stdout.trim(), 'br-int');
    const chk = await runCni(ovs(), call(0, 'CHECK'), conf({ prevResult: r.json }));
    assert.equal(chk.code, 0, chk.stdout);
    const wrongGw = structuredClone(r.json) as typeof res;
    wrongGw.ips[0]!.gateway = '10.77.1.9';
    const bad = await runCni(ovs(), call(0, 'CHECK'), conf({ prevResult: wrongGw }));
    assert.equal(bad.code, 1);
    assert.match(String(bad.json?.msg), /gateway 10\.77\.1\.9/);
    assert.equal((await runCni(ovs(), call(0, 'DEL'), conf())).code, 0);
    assert.equal(hostLink(host), false);
    assert.notEqual(vsctl('port-to-br', host).status, 0);
  });

  it('a host end left behind by an earlier attempt is replaced', async () => {
    const host = hostIfname(id(1), 'eth0');
    execFileSync('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', `osq${tag}`]);
    const r = await runCni(ovs(), call(1, 'ADD'), conf());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(hostLink(`osq${tag}`), false, 'the old pair is gone');
    assert.equal(ipJson(['-n', ns(1), 'link', 'show', 'eth0'])[0].mtu, 1400);
    assert.equal((await runCni(ovs(), call(1, 'DEL'), conf())).code, 0);
    assert.equal(hostLink(host), false);
  });

  it('an interface of that name in the netns: an error, the interface kept, nothing made', async () => {
    execFileSync('ip', [
      '-n',
      ns(2),
      'link',
      'add',
      'eth0',
      'mtu',
      '1300',
      'type',
      'veth',
      'peer',
      'name',
      'eth9',
    ]);
    const r = await runCni(ovs(), call(2, 'ADD'), conf());
    assert.equal(r.code, 1);
    assert.match(String(r.json?.msg), /eth0 already exists in \/run\/netns\//);
    assert.equal(ipJson(['-n', ns(2), 'link', 'show', 'eth0'])[0].mtu, 1300, 'the interface is as it was');
    assert.equal(hostLink(hostIfname(id(2), 'eth0')), false);
  });

  it('a bridge that does not exist: code 7 naming bridge, nothing made', async () => {
    const r = await runCni(ovs(), call(3, 'ADD'), conf({ bridge: `br-no${tag}` }));
    assert.equal(r.json?.code, 7, r.stdout);
    assert.match(String(r.json?.msg), new RegExp(`bridge br-no${tag} does not exist`));
    assert.equal(hostLink(hostIfname(id(3), 'eth0')), false);
    assert.equal(ipJson(['-n', ns(3), 'link', 'show']).length, 1, 'only lo in the netns');
  });

  it('a route the kernel refuses half-way: the error, and no veth on either side', async () => {
    const c = conf();
    c.ipam.routes = [{ dst: '192.168.78.0/24', gw: '172.31.99.1' }];
    const r = await runCni(ovs(), call(4, 'ADD'), c);
    assert.equal(r.code, 1, r.stdout);
    assert.match(String(r.json?.msg), /unreachable|No route|Invalid/i);
    assert.equal(hostLink(hostIfname(id(4), 'eth0')), false);
    assert.equal(ipJson(['-n', ns(4), 'link', 'show']).length, 1, 'only lo in the netns');
  });

  it('CNI_ARGS IP sends the IPAM to Debian static, which uses it', {
    skip: !existsSync('/usr/lib/cni/static'),
  }, async () => {
    const r = await runCni(
      ovs(),
      { ...call(5, 'ADD', `/usr/lib/cni:${bin}`), args: 'IP=10.77.5.9/24' },
      conf(),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Debian's static adds CNI_ARGS' IP to the configured ones; in-process would not know it
    assert.ok(
      (r.json as { ips: { address: string }[] }).ips.some((i) => i.address === '10.77.5.9/24'),
      r.stdout,
    );
    assert.equal(
      (await runCni(ovs(), { ...call(5, 'DEL', `/usr/lib/cni:${bin}`), args: 'IP=10.77.5.9/24' }, conf()))
        .code,
      0,
    );
    assert.equal(hostLink(hostIfname(id(5), 'eth0')), false);
  });
});
