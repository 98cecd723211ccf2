/**
 * openstack-port-cni end to end with real parts: the built binary, the real openstack-port-daemon (as the
 * least-privilege cloud lab-cni, bound to this host) making Neutron ports on the lab, and Debian's `bridge` as the delegate
 * in throwaway network namespaces, with the static IPAM we pass. Every spoken cniVersion: result schema,
 * MAC/IPs/MTU as Neutron has them, CHECK, DEL twice, DEL with the netns gone, version negotiation (bridge
 * stops at 1.0.0), error JSON and codes, VERSION, STATUS; and a chained conflist with Debian's tuning.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { attachmentPort } from '../testing/cni/attachment-port.ts';
import { builtPlugins, removeBuiltPlugins } from '../testing/cni/binaries.ts';
import { type CniCall, runCni } from '../testing/cni/run.ts';
import { type Daemon, startDaemon } from '../testing/daemon/daemon.ts';
import { labFixture } from '../testing/openstack/fixture.ts';
import { testName } from '../testing/openstack/lab.ts';
import { SUPPORTED_VERSIONS } from './versions.ts';

const skip = !existsSync('/usr/lib/cni/bridge')
  ? '/usr/lib/cni/bridge missing (containernetworking-plugins)'
  : false;
const tag = `${process.pid % 100000}`;
const HOST_NS = `osnet-thin-h${tag}`;
const rnd = () => Math.floor(Math.random() * 200) + 20;
const V4 = `10.${rnd()}.${rnd()}`;
const V6 = `fd${rnd().toString(16)}:${rnd().toString(16)}::`;

describe('openstack-port-cni with the real bridge plugin and Neutron', { skip }, () => {
  // the daemon's own project: its least-privilege cloud makes ports only there
  const lab = labFixture(['lab-cni'], 'network');
  let net: ServiceClient;
  let daemon: Daemon;
  let socketPath: string;
  let networkId: string;
  let mtu: number;
  let bin: string;
  let cache: string;
  const podNetns: string[] = [];

  before(async () => {
    [, [net]] = await lab.open();
    const { body } = await net.post<{ network: { id: string; mtu: number } }>('networks', {
      body: { network: { name: testName('thin') } },
    });
    networkId = body.network.id;
    mtu = body.network.mtu;
    lab.cleanup.defer(() => net.delete(`networks/${networkId}`));
    await net.post('subnets', {
      body: {
        subnet: {
          network_id: networkId,
          ip_version: 4,
          cidr: `${V4}.0/24`,
          dns_nameservers: [`${V4}.53`],
          host_routes: [{ destination: '192.0.2.0/24', nexthop: `${V4}.254` }],
        },
      },
    });
    await net.post('subnets', {
      body: { subnet: { network_id: networkId, ip_version: 6, cidr: `${V6}/64` } },
    });
    // the hostname as node (the harness' default) and no reconcile: ports bind to this chassis, and this
    // daemon leaves the ports of other tests' daemons on this host alone
    daemon = await startDaemon();
    lab.cleanup.defer(async () => {
      await daemon.stop();
      await daemon.remove();
    });
    socketPath = daemon.socket;
    bin = await builtPlugins();
    cache = await mkdtemp(join(tmpdir(), 'osnet-cni-cache-'));
    execFileSync('ip', ['netns', 'add', HOST_NS]);
  });

  after(async () => {
    spawnSync('ip', ['netns', 'del', HOST_NS]);
    for (const ns of podNetns) spawnSync('ip', ['netns', 'del', ns]);
    await rm(cache, { recursive: true, force: true });
    await removeBuiltPlugins();
    await lab.close();
  });

  function conf(v: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      cniVersion: v,
      name: 'osnet-thin-test',
      type: 'openstack-port-cni',
      network_id: networkId,
      delegate_plugin: 'bridge',
      bridge: `ostb${tag}`,
      socket_path: socketPath,
      ...extra,
    };
  }

  function pod(name: string): { netns: string; call: (command: string) => CniCall } {
    const ns = `osnet-thin-${name}${tag}`;
    execFileSync('ip', ['netns', 'add', ns]);
    podNetns.push(ns);
    return {
      netns: `/run/netns/${ns}`,
      call: (command) => ({
        command,
        containerId: `osnet-thin-${name}-${tag}`,
        netns: `/run/netns/${ns}`,
        ifname: 'eth0',
        path: `/usr/lib/cni:${bin}`,
        hostNetns: HOST_NS,
        args: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=thin-test',
        env: { OSNET_CNI_CACHE_DIR: cache },
      }),
    };
  }

  const plugin = () => join(bin, 'openstack-port-cni');

  const neutronPort = (containerId: string) =>
    attachmentPort(net, { container_id: containerId, ifname: 'eth0', network_id: networkId });

  for (const v of SUPPORTED_VERSIONS) {
    it(`${v}: ADD gives a ${v} result with Neutron's MAC, IPs, MTU; CHECK passes; DEL twice`, async () => {
      const p = pod(v.replaceAll('.', ''));
      const add = await runCni(plugin(), p.call('ADD'), conf(v));
      assert.equal(add.code, 0, add.stdout + add.stderr);
      const r = add.json as {
        cniVersion: string;
        interfaces: { name: string; mac?: string; mtu?: number; sandbox?: string }[];
        ips: { address: string; version?: string; interface?: number; gateway?: string }[];
        routes: { dst: string; gw?: string }[];
        dns: { nameservers?: string[] };
      };
      assert.equal(r.cniVersion, v);
      const port = await neutronPort(p.call('ADD').containerId!);
      assert.ok(port, 'the daemon made a port for the attachment');
      const podIf = r.interfaces.find((i) => i.sandbox === p.netns);
      assert.ok(podIf, JSON.stringify(r.interfaces));
      assert.equal(podIf.name, 'eth0');
      assert.equal(podIf.mac, port.mac_address);
      assert.deepEqual(
        r.ips.map((i) => i.address.split('/')[0]).sort(),
        port.fixed_ips.map((f) => f.ip_address).sort(),
      );
      assert.equal(r.ips.length, 2, 'one IPv4 and one IPv6 address');
      for (const ip of r.ips) {
        assert.equal(ip.interface, r.interfaces.indexOf(podIf));
        if (v.startsWith('0.')) assert.equal(ip.version, ip.address.includes(':') ? '6' : '4');
        else assert.equal(ip.version, undefined, '1.x dropped ips[].version');
      }
      if (v === '1.1.0') assert.equal(podIf.mtu, mtu);
      else assert.equal(podIf.mtu, undefined, 'interface mtu is 1.1.0 only');
      assert.ok(r.routes.some((rt) => rt.dst === '0.0.0.0/0' && rt.gw === `${V4}.1`));
      assert.ok(r.routes.some((rt) => rt.dst === '192.0.2.0/24' && rt.gw === `${V4}.254`));
      assert.deepEqual(r.dns.nameservers, [`${V4}.53`]);
      // what the kernel has is what Neutron has
      const link = JSON.parse(
        execFileSync('ip', ['-j', '-n', p.netns.slice(11), 'link', 'show', 'eth0'], { encoding: 'utf8' }),
      )[0];
      assert.equal(link.address, podIf.mac);
      assert.equal(link.mtu, mtu);

      const entries = await readdir(join(cache, networkId));
      const entry = JSON.parse(
        await readFile(
          join(cache, networkId, entries.find((f) => f.startsWith(p.call('ADD').containerId!))!),
          'utf8',
        ),
      );
      // bridge speaks up to 1.0.0: a 1.1.0 runtime gets a 1.0.0 delegate call, converted back
      assert.equal(entry.delegateConfig.cniVersion, v === '1.1.0' ? '1.0.0' : v);
      assert.equal(entry.delegateConfig.ipam.type, 'static');

      if (v !== '0.3.0' && v !== '0.3.1') {
        const check = await runCni(plugin(), p.call('CHECK'), conf(v, { prevResult: r }));
        assert.equal(check.code, 0, check.stdout);
      }
      for (const round of [1, 2]) {
        const del = await runCni(plugin(), p.call('DEL'), conf(v));
        assert.equal(del.code, 0, `DEL ${round}: ${del.stdout}`);
        assert.equal(del.stdout, '');
      }
      assert.equal(await neutronPort(p.call('ADD').containerId!), undefined, 'port released');
      assert.ok(
        !(await readdir(join(cache, networkId))).some((f) => f.startsWith(p.call('ADD').containerId!)),
      );
    });
  }

  it('ADD asks for what the call says: args.cni over CNI_ARGS, subnet, MTU override, pod, labels', async () => {
    const p = pod('ask');
    const base = p.call('ADD');
    const uid = '0b7b3a3c-1111-4222-8333-444455556666';
    const c: CniCall = {
      ...base,
      args: `IgnoreUnknown=1;MAC=fa:16:3e:aa:aa:aa;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=web-0;K8S_POD_UID=${uid}`,
    };
    const { body: subnets } = await net.get<{ subnets: { id: string; ip_version: number }[] }>(
      `subnets?network_id=${networkId}`,
    );
    const v4 = subnets.subnets.find((s) => s.ip_version === 4)!.id;
    const mac = `fa:16:3e:${tag.padStart(6, '0').slice(0, 2)}:${tag.padStart(6, '0').slice(2, 4)}:${tag.padStart(6, '0').slice(4, 6)}`;
    const extra = {
      subnet_id: v4,
      mtu: 1400,
      args: {
        cni: {
          mac,
          labels: [
            { key: 'tier', value: 'g1' },
            { key: 'app', value: 'web' },
          ],
        },
      },
    };
    const r = await runCni(plugin(), c, conf('1.1.0', extra));
    assert.equal(r.code, 0, r.stdout);
    // what was asked shows in the port the daemon made: the pod's name and UID, the MAC, one subnet
    const port = await neutronPort(base.containerId!);
    assert.ok(port);
    assert.equal(port.name, 'ns1/web-0/eth0');
    assert.equal(port.device_id, uid);
    assert.equal(port.mac_address, mac);
    assert.deepEqual(
      port.fixed_ips.map((f) => f.subnet_id),
      [v4],
    );
    const res = r.json as {
      interfaces: { mac?: string; mtu?: number; sandbox?: string }[];
      ips: { address: string }[];
    };
    const podIf = res.interfaces.find((i) => i.sandbox)!;
    assert.equal(podIf.mac, mac, "args.cni.mac wins over CNI_ARGS MAC, and Neutron's port has it");
    assert.equal(podIf.mtu, 1400);
    assert.equal(res.ips.length, 1, 'only the subnet asked for');
    const link = JSON.parse(
      execFileSync('ip', ['-j', '-n', p.netns.slice(11), 'link', 'show', 'eth0'], { encoding: 'utf8' }),
    )[0];
    assert.equal(link.mtu, 1400);
    assert.equal((await runCni(plugin(), p.call('DEL'), conf('1.1.0', extra))).code, 0);
  });

  it('CHECK fails once the interface is removed; DEL succeeds after the netns is gone', async () => {
    const p = pod('gone');
    const add = await runCni(plugin(), p.call('ADD'), conf('1.0.0'));
    assert.equal(add.code, 0, add.stdout);
    execFileSync('ip', ['-n', p.netns.slice(11), 'link', 'del', 'eth0']);
    const check = await runCni(plugin(), p.call('CHECK'), conf('1.0.0', { prevResult: add.json }));
    assert.equal(check.code, 1);
    assert.equal(check.json?.cniVersion, '1.0.0');
    assert.match(String(check.json?.msg), /delegate bridge CHECK/);
    execFileSync('ip', ['netns', 'del', p.netns.slice(11)]);
    const del = await runCni(plugin(), p.call('DEL'), conf('1.0.0'));
    assert.equal(del.code, 0, del.stdout);
    assert.equal(await neutronPort(p.call('ADD').containerId!), undefined);
  });

  it('is the first plugin of a chained conflist: tuning gets our result as prevResult', async () => {
    const p = pod('chain');
    const list = { cniVersion: '1.0.0', name: 'osnet-chain' };
    const ours = await runCni(plugin(), p.call('ADD'), { ...conf('1.0.0'), ...list });
    assert.equal(ours.code, 0, ours.stdout);
    const tuning = { ...list, type: 'tuning', mtu: 1300, sysctl: { 'net.ipv4.conf.eth0.arp_notify': '1' } };
    const t = await runCni('/usr/lib/cni/tuning', p.call('ADD'), { ...tuning, prevResult: ours.json });
    assert.equal(t.code, 0, t.stdout);
    assert.deepEqual(t.json, ours.json, 'tuning passes our result on');
    const ns = p.netns.slice(11);
    const link = JSON.parse(
      execFileSync('ip', ['-j', '-n', ns, 'link', 'show', 'eth0'], { encoding: 'utf8' }),
    )[0];
    assert.equal(link.mtu, 1300);
    // the runtime checks the chain with the final result, and deletes it in reverse
    const check = await runCni(plugin(), p.call('CHECK'), { ...conf('1.0.0'), ...list, prevResult: t.json });
    assert.equal(check.code, 0, check.stdout);
    assert.equal(
      (await runCni('/usr/lib/cni/tuning', p.call('DEL'), { ...tuning, prevResult: t.json })).code,
      0,
    );
    const del = await runCni(plugin(), p.call('DEL'), { ...conf('1.0.0'), ...list, prevResult: t.json });
    assert.equal(del.code, 0, del.stdout);
  });

  for (const v of SUPPORTED_VERSIONS) {
    it(`${v}: error JSON with the codes ${v} defines; VERSION echoes ${v}`, async () => {
      const p = pod(`e${v.replaceAll('.', '')}`);
      const bad = conf(v);
      delete bad.network_id;
      const r = await runCni(plugin(), p.call('ADD'), bad);
      assert.equal(r.code, 1);
      assert.deepEqual(Object.keys(r.json!).slice(0, 3), ['cniVersion', 'code', 'msg']);
      assert.equal(r.json!.cniVersion, v);
      // 7 (invalid config) exists from 1.0.0; older versions get the plugin-specific 107
      assert.equal(r.json!.code, v.startsWith('1.') ? 7 : 107);
      assert.match(String(r.json!.msg), /network_id/);
      const ver = await runCni(plugin(), { command: 'VERSION' }, { cniVersion: v });
      assert.equal(ver.code, 0);
      assert.deepEqual(ver.json, { cniVersion: v, supportedVersions: [...SUPPORTED_VERSIONS] });
      const env = await runCni(plugin(), { command: 'ADD' }, conf(v));
      assert.equal(env.json!.code, v.startsWith('1.') ? 4 : 104);
    });
  }

  it('STATUS is 0 with the daemon up, 50 when its socket is absent; older versions have no STATUS', async () => {
    const up = await runCni(plugin(), { command: 'STATUS', path: `/usr/lib/cni:${bin}` }, conf('1.1.0'));
    assert.equal(up.code, 0, up.stdout);
    const down = await runCni(
      plugin(),
      { command: 'STATUS' },
      conf('1.1.0', { socket_path: `${cache}/none.sock` }),
    );
    assert.equal(down.code, 1);
    assert.equal(down.json!.code, 50);
    assert.match(String(down.json!.msg), /none\.sock does not exist/);
    const old = await runCni(plugin(), { command: 'STATUS' }, conf('1.0.0'));
    assert.equal(old.json!.code, 1);
  });
});
