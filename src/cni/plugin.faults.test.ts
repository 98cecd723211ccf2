/**
 * The thin plugin's answers to daemon faults a real daemon cannot be made to produce on demand: a daemon
 * that is down, that answers with an error, or with a broken port; and failures after the port exists,
 * which must release it. The daemon here is fakeDaemon (protocol.ts on a Unix socket, every call
 * recorded); the delegate is Debian's real bridge plugin in a throwaway netns.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtPlugins, removeBuiltPlugins } from '../testing/cni/binaries.ts';
import { DaemonAnswer, type Handler, startProtocolServer } from '../testing/cni/protocol-server.ts';
import { type CniCall, runCni } from '../testing/cni/run.ts';
import type { PortInfo } from './protocol.ts';

const skip = !existsSync('/usr/lib/cni/bridge')
  ? '/usr/lib/cni/bridge missing (containernetworking-plugins)'
  : false;
const tag = `${process.pid % 100000}`;
const HOST_NS = `osnet-thf-h${tag}`;
const POD_NS = `osnet-thf-p${tag}`;
const NETWORK = '5d3c7a51-2b1e-4f0a-9c44-0e6b1a2f3d4e';
const PORT: PortInfo = {
  port_id: '0f1e2d3c-4b5a-4968-8776-655443322110',
  network_id: NETWORK,
  mac: 'fa:16:3e:12:34:56',
  mtu: 1442,
  ips: [{ address: '10.77.0.5/24', gateway: '10.77.0.1', subnet_id: 'x', version: 4 }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.77.0.1' }],
  dns: { nameservers: ['10.77.0.53'] },
};

/** Only for faults: the real daemon's behaviour is tested against Neutron in plugin.bridge.test.ts. */
const fakeDaemon = (routes: Record<string, Handler>) => startProtocolServer(routes);

describe('openstack-port-cni against daemon faults', { skip }, () => {
  let bin: string;
  let cache: string;

  before(async () => {
    bin = await builtPlugins();
    cache = await mkdtemp(join(tmpdir(), 'osnet-cni-cache-'));
    execFileSync('ip', ['netns', 'add', HOST_NS]);
    execFileSync('ip', ['netns', 'add', POD_NS]);
  });

  after(async () => {
    spawnSync('ip', ['netns', 'del', HOST_NS]);
    spawnSync('ip', ['netns', 'del', POD_NS]);
    await rm(cache, { recursive: true, force: true });
    await removeBuiltPlugins();
  });

  const call = (command: string, id = 'c1'): CniCall => ({
    command,
    containerId: `osnet-thf-${id}-${tag}`,
    netns: `/run/netns/${POD_NS}`,
    ifname: 'eth0',
    path: `/usr/lib/cni:${bin}`,
    hostNetns: HOST_NS,
    env: { OSNET_CNI_CACHE_DIR: cache },
  });
  const conf = (v: string, socketPath: string, extra: Record<string, unknown> = {}) => ({
    cniVersion: v,
    name: 'osnet-faults',
    type: 'openstack-port-cni',
    network_id: NETWORK,
    delegate_plugin: 'bridge',
    bridge: `othf${tag}`,
    socket_path: socketPath,
    ...extra,
  });
  const plugin = () => join(bin, 'openstack-port-cni');
  const cached = async () => (await readdir(join(cache, NETWORK)).catch(() => [] as string[])).length;

  it('daemon down: ADD is "try again later" (11; 111 before 0.4.0) naming the socket, and nothing is attached', async () => {
    for (const [v, code] of [
      ['1.1.0', 11],
      ['0.4.0', 11],
      ['0.3.1', 111],
    ] as const) {
      const r = await runCni(plugin(), call('ADD'), conf(v, `${cache}/absent.sock`));
      assert.equal(r.code, 1);
      assert.equal(r.json!.code, code, v);
      assert.match(String(r.json!.msg), /absent\.sock does not exist/);
    }
    assert.equal(spawnSync('ip', ['-n', POD_NS, 'link', 'show', 'eth0']).status, 1, 'no eth0 in the pod');
  });

  it("a daemon error keeps the daemon's CNI code, remapped for the runtime's version", async () => {
    let answer = { status: 409, cni: 11, code: 'OSNET_ERR_OS_CONFLICT' };
    const d = await fakeDaemon({
      '/add': () => {
        throw new DaemonAnswer(answer.status, {
          code: answer.code,
          message: 'Neutron says no',
          cni: answer.cni,
        });
      },
    });
    try {
      for (const [a, v, code] of [
        [{ status: 409, cni: 11, code: 'OSNET_ERR_OS_CONFLICT' }, '1.0.0', 11],
        [{ status: 400, cni: 7, code: 'OSNET_ERR_VALIDATION' }, '1.0.0', 7],
        [{ status: 400, cni: 7, code: 'OSNET_ERR_VALIDATION' }, '0.4.0', 107],
        [{ status: 404, cni: 3, code: 'OSNET_ERR_NOT_FOUND' }, '0.4.0', 3],
        [{ status: 404, cni: 3, code: 'OSNET_ERR_NOT_FOUND' }, '0.3.1', 103],
      ] as const) {
        answer = a;
        const r = await runCni(plugin(), call('ADD'), conf(v, d.socketPath));
        assert.equal(r.json!.code, code, `${a.code} in ${v}`);
        assert.match(String(r.json!.msg), /daemon \/add: Neutron says no/);
        assert.match(String(r.json!.details), new RegExp(a.code));
      }
    } finally {
      await d.close();
    }
  });

  it('a failure after the port exists releases it: delegate ADD failing, or a broken daemon answer', async () => {
    let port: unknown = PORT;
    const d = await fakeDaemon({
      '/add': () => port,
      '/del': () => ({ released: true, queued: false }),
    });
    try {
      // bridge refuses a string where it wants a bool
      const r = await runCni(
        plugin(),
        call('ADD'),
        conf('1.0.0', d.socketPath, { delegate: { isGateway: 'yes' } }),
      );
      assert.equal(r.code, 1);
      assert.match(String(r.json!.msg), /delegate bridge ADD/);
      const dels = d.calls.filter((c) => c.route === '/del');
      assert.deepEqual(dels.at(-1)?.body, {
        container_id: call('ADD').containerId,
        ifname: 'eth0',
        network_id: NETWORK,
      });
      assert.equal(await cached(), 0, 'no cache entry left');

      port = { ...PORT, mac: 'not-a-mac' };
      const before = d.calls.filter((c) => c.route === '/del').length;
      const bad = await runCni(plugin(), call('ADD'), conf('1.0.0', d.socketPath));
      assert.equal(bad.json!.code, 6);
      assert.match(String(bad.json!.msg), /daemon answer: mac/);
      assert.equal(
        d.calls.filter((c) => c.route === '/del').length,
        before + 1,
        '/del after a broken answer',
      );
      assert.equal(
        spawnSync('ip', ['-n', POD_NS, 'link', 'show', 'eth0']).status,
        1,
        'no eth0 left in the pod',
      );
    } finally {
      await d.close();
    }
  });

  it('a cache entry that cannot be written fails the ADD after an attach that worked: detached, released', async () => {
    const d = await fakeDaemon({
      '/add': () => PORT,
      '/del': () => ({ released: true, queued: false }),
    });
    // the entry's directory is a regular file: its write fails while the delegate's attach (run beside it) works
    const blocked = join(cache, 'blocked');
    await writeFile(blocked, '');
    try {
      const c = call('ADD', 'c3');
      const r = await runCni(
        plugin(),
        { ...c, env: { OSNET_CNI_CACHE_DIR: blocked } },
        conf('1.0.0', d.socketPath),
      );
      assert.notEqual(r.code, 0, r.stdout);
      assert.deepEqual(d.calls.filter((x) => x.route === '/del').at(-1)?.body, {
        container_id: c.containerId,
        ifname: 'eth0',
        network_id: NETWORK,
      });
      assert.equal(
        spawnSync('ip', ['-n', POD_NS, 'link', 'show', 'eth0']).status,
        1,
        'no eth0 left in the pod',
      );
    } finally {
      await rm(blocked, { force: true });
      await d.close();
    }
  });

  it('DEL with the daemon down still detaches and succeeds; a later STATUS hands the release over', async () => {
    const d = await fakeDaemon({
      '/add': () => PORT,
      '/del': () => ({ released: true, queued: false }),
      '/status': () => ({ ready: true, keystone: true, neutron: true }),
    });
    try {
      const add = await runCni(plugin(), call('ADD', 'c2'), conf('1.1.0', d.socketPath));
      assert.equal(add.code, 0, add.stdout);
      const del = await runCni(plugin(), call('DEL', 'c2'), conf('1.1.0', `${cache}/absent.sock`));
      assert.equal(del.code, 0, del.stdout);
      assert.equal(spawnSync('ip', ['-n', POD_NS, 'link', 'show', 'eth0']).status, 1, 'eth0 removed');
      const [file] = await readdir(join(cache, NETWORK));
      assert.equal(JSON.parse(await readFile(join(cache, NETWORK, file!), 'utf8')).pendingRelease, true);
      assert.equal(d.calls.filter((c) => c.route === '/del').length, 0);

      const st = await runCni(
        plugin(),
        { command: 'STATUS', env: { OSNET_CNI_CACHE_DIR: cache } },
        conf('1.1.0', d.socketPath),
      );
      assert.equal(st.code, 0, st.stdout);
      assert.deepEqual(
        d.calls.filter((c) => c.route === '/del').map((c) => c.body.container_id),
        [call('DEL', 'c2').containerId],
      );
      assert.equal(await cached(), 0);
    } finally {
      await d.close();
    }
  });

  it('DEL succeeds when the daemon has no record (3); fails on any other daemon error', async () => {
    let cni = 3;
    const d = await fakeDaemon({
      '/del': () => {
        throw new DaemonAnswer(cni === 3 ? 404 : 500, {
          code: 'OSNET_ERR_X',
          message: 'no such attachment',
          cni,
        });
      },
    });
    try {
      assert.equal((await runCni(plugin(), call('DEL', 'c3'), conf('1.0.0', d.socketPath))).code, 0);
      cni = 100;
      const r = await runCni(plugin(), call('DEL', 'c3'), conf('1.0.0', d.socketPath));
      assert.equal(r.code, 1);
      assert.equal(r.json!.code, 100);
    } finally {
      await d.close();
    }
  });

  it('STATUS is 50 when the daemon says Keystone or Neutron is unreachable', async () => {
    const d = await fakeDaemon({
      '/status': () => ({ ready: false, keystone: true, neutron: false, message: 'ECONNREFUSED' }),
    });
    try {
      const r = await runCni(plugin(), { command: 'STATUS' }, conf('1.1.0', d.socketPath));
      assert.equal(r.json!.code, 50);
      assert.match(String(r.json!.msg), /Neutron unreachable \(ECONNREFUSED\)/);
    } finally {
      await d.close();
    }
  });
});
