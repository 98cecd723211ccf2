// openstack-port-daemon against the real lab, as a child process on a real socket, with the least-privilege
// cloud lab-cni (member + osnet-port-binder, never admin).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ports, tags } from '../openstack/networking/v2/index.ts';
import { call, type Daemon, startDaemon } from '../testing/daemon/daemon.ts';
import { type TestNetwork, testNetwork } from '../testing/daemon/network.ts';
import { LAB_CLOUDS } from '../testing/openstack/lab.ts';
import { ATTACHMENT_MARK, DEVICE_OWNER, keyId, poolId, poolKey } from './keys.ts';

let t: TestNetwork;
let d: Daemon;

const cid = () => `c${randomBytes(12).toString('hex')}`;

/** GET on the health socket (/metrics by default). */
function metrics(health: string, path = '/metrics'): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ socketPath: health, path }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  t = await testNetwork('daemon');
  d = await startDaemon();
});
after(async () => {
  await d?.stop();
  await d?.remove();
  await t?.remove();
});

describe('ADD, CHECK, DEL', () => {
  it('makes a port bound to this node with owner, device id, name, tags and everything the plugin needs', async () => {
    const container_id = cid();
    const req = {
      container_id,
      ifname: 'eth0',
      network_id: t.networkId,
      netns: '/run/netns/x',
      pod: { namespace: 'default', name: 'web-1', uid: 'a1b2c3d4-0000-4000-8000-000000000001' },
    };
    const r = await call(d.socket, '/add', req);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // the tags follow the answer (it does not need them)
    await until(
      'the port tagged',
      async () => (await ports.get(t.net, String(r.body.port_id))).tags.length === 4,
    );
    const p = await ports.get(t.net, String(r.body.port_id));
    assert.equal(p['binding:host_id'], d.node);
    assert.equal(p['binding:vif_type'], 'ovs', 'OVN bound it on this chassis');
    assert.equal(p.device_owner, DEVICE_OWNER);
    assert.equal(p.device_id, req.pod.uid);
    assert.equal(p.name, 'default/web-1/eth0');
    assert.equal(p.description, `${ATTACHMENT_MARK}${keyId(req)}`);
    assert.deepEqual(
      [...p.tags].sort(),
      [
        `osnet-cni-container=${container_id}`,
        'osnet-cni-ifname=eth0',
        `osnet-cni-key=${keyId(req)}`,
        `osnet-cni-node=${d.node}`,
      ].sort(),
    );
    assert.equal(r.body.mac, p.mac_address);
    const ips = r.body.ips as { address: string; gateway?: string; version: number; subnet_id: string }[];
    assert.deepEqual(ips.map((i) => i.version).sort(), [4, 6], 'IPv4 and IPv6');
    for (const ip of ips) {
      const fixed = p.fixed_ips.find((f) => f.subnet_id === ip.subnet_id);
      assert.equal(ip.address, `${fixed?.ip_address}/${ip.version === 4 ? 24 : 64}`);
      assert.ok(ip.gateway, 'gateway of the subnet');
    }
    const routes = r.body.routes as { dst: string; gw: string }[];
    assert.ok(
      routes.some((x) => x.dst === '192.168.77.0/24'),
      'subnet host route',
    );
    assert.ok(routes.some((x) => x.dst === '0.0.0.0/0') && routes.some((x) => x.dst === '::/0'));
    assert.deepEqual(r.body.dns, { nameservers: ['10.0.0.53'] });
    assert.equal(r.body.mtu, 1442, "the network's MTU (geneve)");

    const again = await call(d.socket, '/add', req);
    assert.equal(again.body.port_id, r.body.port_id, 'a retried ADD gets the same port');
    assert.equal(again.body.existing, true);
    assert.equal((await t.ports()).filter((x) => x.device_id === req.pod.uid).length, 1);

    const key = { container_id, ifname: 'eth0', network_id: t.networkId };
    assert.deepEqual(
      (await call(d.socket, '/check', { ...key, mac: p.mac_address, ips: ips.map((i) => i.address) })).body,
      {
        port_id: p.id,
      },
    );
    const wrongMac = await call(d.socket, '/check', { ...key, mac: 'fa:16:3e:00:00:00' });
    assert.equal(wrongMac.status, 409);
    assert.equal(wrongMac.body.code, 'OSNET_ERR_ATTACHMENT_MISMATCH');
    assert.equal(wrongMac.body.field, 'mac');
    const wrongIp = await call(d.socket, '/check', { ...key, ips: ['10.1.2.3/24'] });
    assert.equal(wrongIp.body.field, 'ips');

    assert.deepEqual((await call(d.socket, '/del', key)).body, { released: true, queued: false });
    assert.equal(await ports.get(t.net, p.id).catch((e) => e.code), 'OSNET_ERR_OS_NOT_FOUND');
    assert.deepEqual(
      (await call(d.socket, '/del', key)).body,
      { released: false, queued: false },
      'gone: still ok',
    );
    const unknown = await call(d.socket, '/check', key);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.cni, 3);
  });

  it('gives two interfaces of one pod on one network two ports, and DEL of one leaves the other', async () => {
    const container_id = cid();
    const pod = { namespace: 'ns1', name: 'two', uid: 'a1b2c3d4-0000-4000-8000-000000000002' };
    const a = await call(d.socket, '/add', { container_id, ifname: 'eth0', network_id: t.networkId, pod });
    const b = await call(d.socket, '/add', { container_id, ifname: 'net1', network_id: t.networkId, pod });
    assert.notEqual(a.body.port_id, b.body.port_id);
    assert.equal((await t.ports()).filter((p) => p.device_id === pod.uid).length, 2);
    await call(d.socket, '/del', { container_id, ifname: 'eth0', network_id: t.networkId });
    const left = (await t.ports()).filter((p) => p.device_id === pod.uid);
    assert.deepEqual(
      left.map((p) => p.id),
      [b.body.port_id],
    );
    await call(d.socket, '/del', { container_id, ifname: 'net1', network_id: t.networkId });
  });

  it('serves ADDs concurrently, each key once', async () => {
    const keys = Array.from({ length: 6 }, () => ({
      container_id: cid(),
      ifname: 'eth0',
      network_id: t.networkId,
    }));
    // every key twice at once: the second waits for the first and answers the same port
    const answers = await Promise.all([...keys, ...keys].map((k) => call(d.socket, '/add', k)));
    for (let i = 0; i < keys.length; i++)
      assert.equal(answers[i]!.body.port_id, answers[i + keys.length]!.body.port_id);
    assert.equal(new Set(answers.map((a) => a.body.port_id)).size, keys.length);
    await Promise.all(keys.map((k) => call(d.socket, '/del', k)));
  });

  it('applies the security groups of the request', async () => {
    const { securityGroups } = await import('../openstack/networking/v2/index.ts');
    const sg = await securityGroups.create(t.net, { name: `t-daemon-sg-${randomBytes(3).toString('hex')}` });
    try {
      const key = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
      const r = await call(d.socket, '/add', { ...key, security_group_ids: [sg.id] });
      assert.deepEqual((await ports.get(t.net, String(r.body.port_id))).security_groups, [sg.id]);
      await call(d.socket, '/del', key);
    } finally {
      await securityGroups.removeIfExists(t.net, sg.id);
    }
  });

  it('GC releases the attachments of this node not in the valid list', async () => {
    const keep = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
    const drop = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
    const k = await call(d.socket, '/add', keep);
    const x = await call(d.socket, '/add', drop);
    const gc = await call(d.socket, '/gc', {
      network_id: t.networkId,
      valid_attachments: [{ containerID: keep.container_id, ifname: 'eth0' }],
    });
    assert.equal(gc.status, 200, JSON.stringify(gc.body));
    assert.ok((gc.body.released as string[]).includes(String(x.body.port_id)));
    const ids = (await t.ports()).map((p) => p.id);
    assert.ok(ids.includes(String(k.body.port_id)));
    assert.ok(!ids.includes(String(x.body.port_id)));
    await call(d.socket, '/del', keep);
  });

  it('STATUS answers ready while Keystone and Neutron answer; metrics count the verbs', async () => {
    const st = await call(d.socket, '/status', undefined, { method: 'GET' });
    assert.deepEqual(st.body, { ready: true, keystone: true, neutron: true });
    assert.match(await metrics(d.health, '/healthz'), /"ok"/);
    assert.match(await metrics(d.health, '/readyz'), /"ready":true/);
    const m = await metrics(d.health);
    assert.match(m, /osnet_cni_request_seconds_count\{verb="ADD",outcome="ok"\} [1-9]/);
    assert.match(m, /osnet_cni_request_seconds_count\{verb="DEL",outcome="ok"\} [1-9]/);
    assert.match(m, /osnet_cni_request_seconds_count\{verb="CHECK",outcome="error"\} [1-9]/);
    assert.match(m, /osnet_cni_outbox_depth 0/);
  });
});

describe('crash and restart', () => {
  // off: the port is half-made (untagged) and found again by device_id, name and mark; auto on the lab's
  // Neutron (which keeps a create's tags): the port was tagged in its create and is found by its key tag
  for (const mode of ['off', 'auto'] as const) {
    it(`a kill -9 between port create and reply (tags on create: ${mode}): the retried ADD gets the same port, nothing leaks`, async () => {
      const args = ['--tags-on-create', mode];
      const crashing = await startDaemon({ args, env: { OSNET_FAULT_CRASH_AFTER: 'port-created' } });
      const key = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
      const uid =
        mode === 'off' ? 'a1b2c3d4-0000-4000-8000-0000000000c1' : 'a1b2c3d4-0000-4000-8000-0000000000c2';
      const req = { ...key, pod: { namespace: 'default', name: 'crash', uid } };
      try {
        await assert.rejects(call(crashing.socket, '/add', req), /socket hang up|ECONNRESET/);
        await crashing.kill();
        assert.equal(crashing.child.signalCode, 'SIGKILL');
        const half = (await t.ports()).filter((p) => p.device_id === uid);
        assert.equal(half.length, 1, 'the port was created');
        if (mode === 'off') assert.deepEqual(half[0]!.tags, [], 'and never tagged: half-made');
        else assert.ok(half[0]!.tags.includes(`osnet-cni-key=${keyId(key)}`), 'tagged in its create');
        const again = await startDaemon({ args, dir: crashing.dir });
        try {
          const r = await call(again.socket, '/add', req);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          assert.equal(r.body.port_id, half[0]!.id, 'the same port');
          const now = (await t.ports()).filter((p) => p.device_id === uid);
          assert.equal(now.length, 1, 'no second port');
          await until('tagged', async () =>
            (await t.ports()).some(
              (p) => p.device_id === uid && p.tags.includes(`osnet-cni-key=${keyId(key)}`),
            ),
          );
          assert.deepEqual((await call(again.socket, '/del', key)).body, { released: true, queued: false });
          assert.equal((await t.ports()).filter((p) => p.device_id === uid).length, 0);
        } finally {
          await again.stop();
        }
      } finally {
        await crashing.kill();
        await crashing.remove();
      }
    });
  }

  it('reconcile releases an orphan found by tag and a half-made one found by name and device_id', async () => {
    // its own node name: a reconciling daemon would release what other tests' daemons tagged for this host
    const r = await startDaemon({
      args: ['--reconcile-interval', '1'],
      node: `t-reconcile-${randomBytes(3).toString('hex')}`,
    });
    try {
      const live = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
      const kept = await call(r.socket, '/add', live);
      const orphanKey = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
      const orphan = await ports.create(t.net, {
        network_id: t.networkId,
        name: 'orphan',
        device_owner: DEVICE_OWNER,
      });
      await tags.replaceAll(t.net, 'ports', orphan.id, [
        `osnet-cni-node=${r.node}`,
        `osnet-cni-key=${keyId(orphanKey)}`,
      ]);
      const halfKey = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
      const half = await ports.create(t.net, {
        network_id: t.networkId,
        name: `cni/${halfKey.container_id.slice(0, 12)}/eth0`,
        device_id: halfKey.container_id,
        device_owner: DEVICE_OWNER,
        description: `${ATTACHMENT_MARK}${keyId(halfKey)}`,
        'binding:host_id': r.node,
      });
      const foreign = await ports.create(t.net, { network_id: t.networkId, name: 'not-ours' });
      await until('both orphans released', async () => {
        const ids = (await t.ports()).map((p) => p.id);
        return !ids.includes(orphan.id) && !ids.includes(half.id);
      });
      const ids = (await t.ports()).map((p) => p.id);
      assert.ok(ids.includes(String(kept.body.port_id)), 'a journaled attachment stays');
      assert.ok(ids.includes(foreign.id), 'a port that is not the daemon’s stays');
      assert.match(r.logs(), /orphan port released/);
      await call(r.socket, '/del', live);
    } finally {
      await r.stop();
      await r.remove();
    }
  });
});

describe('secrets', () => {
  it('never writes the password into the state dir or the logs', async () => {
    const doc = parse(await readFile(LAB_CLOUDS, 'utf8')) as {
      clouds: Record<string, { auth: Record<string, string> }>;
    };
    const auth = doc.clouds['lab-cni']!.auth;
    const password = auth.password!;
    assert.ok(password.length >= 4);
    const s = await startDaemon({
      env: {
        OS_AUTH_URL: auth.auth_url,
        OS_USERNAME: auth.username,
        OS_PASSWORD: password,
        OS_PROJECT_NAME: auth.project_name,
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
        OS_REGION_NAME: 'RegionOne',
        OS_CLIENT_CONFIG_FILE: '/nonexistent/clouds.yaml',
        OSNET_LOG_LEVEL: 'debug',
      },
    });
    try {
      const key = { container_id: cid(), ifname: 'eth0', network_id: t.networkId };
      assert.equal((await call(s.socket, '/add', key)).status, 200);
      await call(s.socket, '/add', { ...key, network_id: '00000000-0000-4000-8000-000000000000' });
      await call(s.socket, '/add', { bogus: password });
      await call(s.socket, '/del', key);
      await s.stop();
      assert.match(s.logs(), /"msg":"http"/, 'debug logs of every request were on');
      assert.ok(!s.logs().includes(password), 'no password in the logs');
      const files: string[] = [];
      const walk = async (dir: string) => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          const p = join(dir, e.name);
          if (e.isDirectory()) await walk(p);
          else if (e.isFile()) files.push(p);
        }
      };
      await walk(s.dir);
      for (const f of files) assert.ok(!(await readFile(f, 'utf8')).includes(password), f);
    } finally {
      await s.stop();
      await s.remove();
    }
  });
});

describe('warm pools', () => {
  it('claims a warm port with one port update, and finds the pool again after a restart', async () => {
    const args = ['--pool', '--pool-min', '2', '--pool-batch', '2', '--pool-max', '3'];
    const p = await startDaemon({ args, env: { OSNET_LOG_LEVEL: 'debug' } });
    let restarted: Daemon | undefined;
    try {
      const first = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
      assert.equal((await call(p.socket, '/add', first)).status, 200);
      // untagged where Neutron drops a create body's tags (the lab): found by name and mark
      const pooled = async () =>
        (await t.ports()).filter(
          (x) =>
            x.name === `osnet-cni-pool/${p.node}` &&
            !x.device_id &&
            x.description.startsWith('osnet-cni pool '),
        );
      await until('the pool filled', async () => (await pooled()).length >= 2);
      await p.waitLog(/"msg":"pool refilled"/); // Neutron shows the ports a moment before the daemon has them
      const warm = new Set((await pooled()).map((x) => x.id));
      const mark = p.logs().length;
      const second = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
      const r = await call(p.socket, '/add', second);
      assert.equal(r.status, 200);
      const id = String(r.body.port_id);
      assert.ok(warm.has(id), 'the ADD got a warm port');
      await until('the claim done', async () => (await ports.get(t.net, id)).tags.length === 4);
      const lines = p.logs().slice(mark).split('\n');
      const answered = lines.findIndex((l) => l.includes('"msg":"answered"') && l.includes('"verb":"ADD"'));
      assert.ok(answered >= 0, 'the ADD was answered');
      assert.deepEqual(
        lines.slice(0, answered).filter((l) => l.includes('"msg":"http"')),
        [],
        'a warm ADD answers before any Neutron call (the port and the network facts are known)',
      );
      const calls = lines
        .filter((l) => l.includes('"msg":"http"'))
        .map((l) => JSON.parse(l) as { method: string; url: string });
      const onPort = calls.filter((c) => c.url.endsWith(`/ports/${id}`));
      assert.deepEqual(
        onPort.map((c) => c.method),
        ['PUT'],
        'one port update claims it',
      );
      const claimed = await ports.get(t.net, id);
      assert.equal(claimed['binding:host_id'], p.node);
      assert.equal(claimed.device_id, second.container_id);
      assert.equal(claimed.fixed_ips[0]?.subnet_id, t.subnet4);
      assert.ok(claimed.tags.includes(`osnet-cni-key=${keyId(second)}`));
      await until('the pool refilled', async () => (await pooled()).length >= 2);
      await p.stop();
      const before = (await pooled()).map((x) => x.id).sort();
      restarted = await startDaemon({ dir: p.dir, args });
      const m = await metrics(restarted.health);
      // this network's pool (the daemon recovers every pool of its node: other runs may have left some)
      const pool = poolId(poolKey(t.networkId, t.subnet4, []));
      const size = new RegExp(`^osnet_cni_pool_ports\\{pool="${pool}"\\} (\\d+)$`, 'm').exec(m)?.[1];
      assert.equal(Number(size), before.length, `the pool recovered: ${m}`);
      const third = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
      const r3 = await call(restarted.socket, '/add', third);
      assert.ok(before.includes(String(r3.body.port_id)), 'a recovered warm port serves the next ADD');
      for (const k of [first, second, third]) await call(restarted.socket, '/del', k);

      // a kill -9 after a warm port was taken, before its claim: the retried ADD claims that same port
      await restarted.stop();
      const warmNow = (await pooled()).map((x) => x.id);
      const crashing = await startDaemon({
        dir: p.dir,
        args,
        env: { OSNET_FAULT_CRASH_AFTER: 'pool-port-taken' },
      });
      const fourth = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
      await assert.rejects(call(crashing.socket, '/add', fourth), /socket hang up|ECONNRESET/);
      await crashing.kill();
      restarted = await startDaemon({ dir: p.dir, args });
      const r4 = await call(restarted.socket, '/add', fourth);
      assert.ok(warmNow.includes(String(r4.body.port_id)), 'a warm port');
      const p4 = await ports.get(t.net, String(r4.body.port_id));
      assert.equal(p4.device_id, fourth.container_id, 'claimed after the restart');
      assert.equal(p4['binding:host_id'], p.node);
      assert.equal(p4.name, `cni/${fourth.container_id.slice(0, 12)}/eth0`);
      assert.equal((await t.ports()).filter((x) => x.device_id === fourth.container_id).length, 1);
      // the taken port was not put back into the recovered pool: draining the pool never hands it out again
      const m2 = await metrics(restarted.health);
      const left = Number(new RegExp(`^osnet_cni_pool_ports\\{pool="${pool}"\\} (\\d+)$`, 'm').exec(m2)?.[1]);
      const drain = Array.from({ length: left }, () => ({ ...fourth, container_id: cid() }));
      const drained: string[] = [];
      for (const k of drain) drained.push(String((await call(restarted.socket, '/add', k)).body.port_id));
      assert.ok(!drained.includes(String(r4.body.port_id)), `the claimed port handed out again: ${drained}`);
      for (const k of [fourth, ...drain]) await call(restarted.socket, '/del', k);
    } finally {
      await p.stop();
      await restarted?.stop();
      await p.remove();
    }
  });
});
