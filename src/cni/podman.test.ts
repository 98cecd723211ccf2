/**
 * A real container runtime on the CNI path: Debian's podman (its cni network backend) runs two containers
 * from a busybox-static rootfs on a Neutron network through deploy/podman/osnet.conflist (ids substituted):
 * openstack-port-cni first, asking the real daemon (lab-cni, node = this chassis) for the port, osnet-ovs
 * as its delegate, then Debian's tuning chained after it with our result as prevResult. The containers
 * ping each other through OVN; `podman rm` releases both Neutron ports and leaves no OVS port, veth or
 * netns. podman has its own storage, config and plugin directories here: nothing goes into the host's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import { attachmentPort } from '../testing/cni/attachment-port.ts';
import { builtPlugins, removeBuiltPlugins } from '../testing/cni/binaries.ts';
import { networkWithDaemon } from '../testing/cni/network-daemon.ts';
import type { Daemon } from '../testing/daemon/daemon.ts';
import { labFixture } from '../testing/openstack/fixture.ts';
import { LAB_DIR, REPO_ROOT } from '../testing/openstack/lab.ts';
import { hostIfname } from './ovs/link.ts';

const DB = `unix:${LAB_DIR}/run/ovs/db.sock`;
const missing = ['/usr/bin/podman', '/usr/sbin/runc', '/usr/bin/busybox', '/usr/lib/cni/tuning'].find(
  (f) => !existsSync(f),
);
const skip = missing
  ? `${missing} missing (apt-get install podman runc busybox-static containernetworking-plugins)`
  : !existsSync(`${LAB_DIR}/run/ovs/db.sock`)
    ? 'the lab OVS is not up'
    : false;
const tag = `${process.pid % 100000}`;
const V4 = `10.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 200) + 20}`;
const NETWORK = `osnet-podman-${tag}`;
/**
 * The plugin's default cache: podman's own cleanup (conmon runs `podman container cleanup`, which may be
 * the one to call DEL) does not get the test's environment, so OSNET_CNI_CACHE_DIR would not reach it.
 * The test's network id keeps its entries apart, and `after` removes that network's folder.
 */
const CACHE = '/var/lib/cni/openstack-port-cni';
const APPLETS = ['sh', 'sleep', 'ping', 'ip', 'cat', 'seq'];

describe('podman runs two containers through openstack-port-cni, osnet-ovs and OVN', { skip }, () => {
  const lab = labFixture(['lab-cni'], 'network');
  let net: ServiceClient;
  let daemon: Daemon;
  let networkId: string;
  let dir: string;
  // the second is named like podman names containers itself (adjective_noun): not a Kubernetes name
  const names = [`osnet-pa-${tag}`, `osnet_pb_${tag}`];
  const ids: string[] = [];
  const ports: Port[] = [];
  const sandboxes: string[] = [];

  function podman(args: string[], check = true): string {
    const r = spawnSync(
      'podman',
      [
        '--root',
        join(dir, 'root'),
        '--runroot',
        join(dir, 'runroot'),
        '--storage-driver',
        'vfs',
        '--runtime',
        'runc',
        '--cgroup-manager=cgroupfs',
        '--network-config-dir',
        join(dir, 'net.d'),
        ...args,
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          // cni_plugin_dirs comes only from containers.conf
          CONTAINERS_CONF: join(dir, 'containers.conf'),
        },
        timeout: 120_000,
      },
    );
    if (check && r.status !== 0)
      throw new Error(`podman ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim();
  }

  before(async () => {
    [, [net]] = await lab.open();
    ({ networkId, daemon } = await networkWithDaemon(lab, net, 'podman', V4));
    dir = await mkdtemp(join(tmpdir(), 'osnet-podman-'));
    const bin = await builtPlugins();
    const plugins = join(dir, 'cni-bin');
    await mkdir(plugins);
    for (const p of ['openstack-port-cni', 'osnet-ovs']) await symlink(join(bin, p), join(plugins, p));
    for (const p of ['static', 'tuning', 'loopback']) await symlink(`/usr/lib/cni/${p}`, join(plugins, p));
    const rootfs = join(dir, 'rootfs');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp'])
      await mkdir(join(rootfs, d), { recursive: true });
    await copyFile('/usr/bin/busybox', join(rootfs, 'bin', 'busybox'));
    for (const a of APPLETS) await symlink('busybox', join(rootfs, 'bin', a));
    await writeFile(
      join(dir, 'containers.conf'),
      `[network]\nnetwork_backend = "cni"\ncni_plugin_dirs = ["${plugins}"]\nnetwork_config_dir = "${join(dir, 'net.d')}"\n`,
    );
    const example = JSON.parse(await readFile(join(REPO_ROOT, 'deploy', 'podman', 'osnet.conflist'), 'utf8'));
    example.name = NETWORK;
    example.plugins[0].network_id = networkId;
    example.plugins[0].socket_file = DB;
    example.plugins[0].socket_path = daemon.socket;
    await mkdir(join(dir, 'net.d'));
    await writeFile(join(dir, 'net.d', `${NETWORK}.conflist`), JSON.stringify(example, null, 2));
  });

  after(async () => {
    if (dir) {
      podman(['rm', '-f', '-t', '0', ...names], false);
      await rm(dir, { recursive: true, force: true });
    }
    if (networkId) await rm(join(CACHE, networkId), { recursive: true, force: true });
    await removeBuiltPlugins();
    await lab.close();
  });

  it('runs both containers: their ports go ACTIVE, tuning ran after us, and they ping each other', async () => {
    assert.match(podman(['network', 'ls', '--format', '{{.Name}}']), new RegExp(`^${NETWORK}$`, 'm'));
    for (const name of names) {
      const id = podman([
        'run',
        '-d',
        '--name',
        name,
        '--cap-add',
        'NET_RAW',
        '--ulimit',
        'nofile=1024:1024',
        '--ulimit',
        'nproc=4096:4096',
        '--network',
        NETWORK,
        '--rootfs',
        join(dir, 'rootfs'),
        '/bin/sh',
        '-c',
        'sleep 300',
      ]);
      assert.match(id, /^[0-9a-f]{64}$/);
      ids.push(id);
      sandboxes.push(podman(['inspect', '--format', '{{.NetworkSettings.SandboxKey}}', name]));
      const port = await attachmentPort(net, { container_id: id, ifname: 'eth0', network_id: networkId });
      assert.ok(port, `a Neutron port for ${name}`);
      ports.push(port);
      const ovs = spawnSync(
        'ovs-vsctl',
        [`--db=${DB}`, 'get', 'Interface', hostIfname(id, 'eth0'), 'external_ids:iface-id'],
        { encoding: 'utf8' },
      );
      assert.equal(ovs.stdout.trim(), `"${port.id}"`);
    }
    for (const p of ports) {
      let status = '';
      for (let n = 0; n < 150 && status !== 'ACTIVE'; n++) {
        if (n) await sleep(200);
        status = (await net.get<{ port: { status: string } }>(`ports/${p.id}`)).body.port.status;
      }
      assert.equal(status, 'ACTIVE', `port ${p.id}`);
    }
    for (const [i, name] of names.entries()) {
      // the container has Neutron's MAC and address, and the chained tuning plugin's sysctl
      const link = podman(['exec', name, 'ip', '-o', 'link', 'show', 'eth0']);
      assert.match(link, new RegExp(ports[i]!.mac_address));
      const addr = podman(['exec', name, 'ip', '-o', '-4', 'addr', 'show', 'eth0']);
      assert.match(addr, new RegExp(`inet ${ports[i]!.fixed_ips[0]!.ip_address.replaceAll('.', '\\.')}/24`));
      assert.equal(podman(['exec', name, 'cat', '/proc/sys/net/ipv4/conf/eth0/arp_notify']), '1');
    }
    const [a, b] = ports.map((p) => p.fixed_ips[0]!.ip_address);
    podman(['exec', names[0]!, 'ping', '-c', '2', '-W', '2', b!]);
    podman(['exec', names[1]!, 'ping', '-c', '2', '-W', '2', a!]);
  });

  it('podman rm releases both ports and leaves no OVS port, veth or netns', async () => {
    assert.equal(ids.length, 2, 'the first test ran both containers');
    podman(['rm', '-f', '-t', '0', ...names]);
    for (const [i, id] of ids.entries()) {
      assert.equal(
        await attachmentPort(net, { container_id: id, ifname: 'eth0', network_id: networkId }),
        undefined,
        `port of ${names[i]} released`,
      );
      const host = hostIfname(id, 'eth0');
      assert.notEqual(
        spawnSync('ovs-vsctl', [`--db=${DB}`, 'port-to-br', host]).status,
        0,
        `OVS port ${host}`,
      );
      assert.notEqual(spawnSync('ip', ['link', 'show', host]).status, 0, `veth ${host}`);
    }
    const { body } = await net.get<{ ports: Port[] }>(
      `ports?network_id=${networkId}&device_owner=compute:openstack-port-cni`,
    );
    assert.deepEqual(body.ports, []);
    for (const s of sandboxes) {
      assert.match(s, /^\/run\/netns\//);
      assert.equal(existsSync(s), false, `netns ${s} left behind`);
    }
    const cache = join(CACHE, networkId);
    assert.deepEqual(existsSync(cache) ? readdirSync(cache) : [], [], 'no attachment cache entry left');
  });
});
