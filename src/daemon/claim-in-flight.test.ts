// A warm ADD answers before its claim update (name, device_id, tags): a DEL that comes meanwhile must not
// wait for it, and a kill -9 in that window must neither leak the port nor lose the claim or the release.
// Real daemon (lab-cni) on the lab's Neutron; OSNET_FAULT_CLAIM_PAUSE_MS holds the claim open long enough
// that the DEL or the kill surely falls inside it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ports } from '../openstack/networking/v2/index.ts';
import { call, type Daemon, startDaemon } from '../testing/daemon/daemon.ts';
import { type TestNetwork, testNetwork } from '../testing/daemon/network.ts';
import { FAULT_CLAIM_PAUSE_ENV, FAULT_ENV } from './attachment-context.ts';
import { keyId, poolId, poolKey } from './keys.ts';

const POOL = ['--pool', '--pool-min', '2', '--pool-batch', '2', '--pool-max', '4'];
let t: TestNetwork;
const started: Daemon[] = [];

const cid = () => `c${randomBytes(12).toString('hex')}`;

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function daemon(dir: string | undefined, env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  const d = await startDaemon({
    args: POOL,
    env: { OSNET_LOG_LEVEL: 'debug', ...env },
    ...(dir ? { dir } : {}),
  });
  started.push(d);
  return d;
}

/** A daemon whose pool for the test network is filled (its first ADD, `prime`, formed it). */
async function warmDaemon(
  env: NodeJS.ProcessEnv = {},
): Promise<{ d: Daemon; prime: Record<string, string> }> {
  const d = await daemon(undefined, env);
  const prime = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
  assert.equal((await call(d.socket, '/add', prime)).status, 200);
  // refilled by this daemon, or recovered from an earlier test's daemon on this network
  const size = new RegExp(
    `^osnet_cni_pool_ports\\{pool="${poolId(poolKey(t.networkId, t.subnet4, []))}"\\} (\\d+)$`,
    'm',
  );
  await until('a warm pool', async () => Number(size.exec(await metrics(d.health))?.[1] ?? 0) >= 1, 120_000);
  return { d, prime };
}

function metrics(health: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ socketPath: health, path: '/metrics' }, (res) => {
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

const journalFiles = async (d: Daemon, table: 'attachments' | 'outbox') =>
  (await readdir(join(d.stateDir, table))).filter((f) => f.endsWith('.json'));
/** DEL takes the key alone. */
const delKey = (d: Daemon, k: Record<string, string>) =>
  call(d.socket, '/del', { container_id: k.container_id, ifname: k.ifname, network_id: k.network_id });

/** The methods of the daemon's Neutron calls on one port, from its debug log. */
const callsOn = (logs: string, portId: string) =>
  logs
    .split('\n')
    .filter((l) => l.includes('"msg":"http"') && l.includes(`/ports/${portId}`))
    .map((l) => (JSON.parse(l) as { method: string }).method);
const portOf = async (id: string) => (await t.ports()).find((p) => p.id === id);

before(async () => {
  t = await testNetwork('claim');
});
after(async () => {
  for (const d of started) {
    await d.stop();
    await d.remove();
  }
  await t?.remove();
});

describe('a claim in flight after a warm ADD', () => {
  it('DEL answers queued without waiting for it; the port is deleted right after it, unclaimed; no record is left', async () => {
    const { d, prime } = await warmDaemon({ [FAULT_CLAIM_PAUSE_ENV]: '4000' });
    const key = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
    const mark = d.logs().length;
    const add = await call(d.socket, '/add', key);
    assert.equal(add.status, 200);
    const portId = String(add.body.port_id);
    const del = await delKey(d, key);
    assert.deepEqual(del.body, { released: false, queued: true });
    assert.equal((await journalFiles(d, 'outbox')).length, 1, 'the release is on disk before the answer');
    const before = d.logs().slice(mark);
    assert.equal((before.match(/"msg":"answered"/g) ?? []).length, 2, 'ADD and DEL answered');
    assert.ok(!before.includes(`/ports/${portId}`), 'no Neutron call on the port before both answers');

    await until('the port deleted', async () => (await portOf(portId)) === undefined);
    await until('the outbox empty', async () => (await journalFiles(d, 'outbox')).length === 0);
    assert.deepEqual(
      callsOn(d.logs().slice(mark), portId),
      ['DELETE'],
      'deleted without the claim update or tags it no longer needs',
    );
    const left = (await journalFiles(d, 'attachments')).map((f) => f.slice(0, -5));
    assert.ok(!left.includes(keyId(key)), 'the claim did not bring the record back');
    assert.equal((await t.ports()).filter((p) => p.device_id === key.container_id).length, 0);

    // the key is free again: a new ADD gets another port, and the prime attachment is untouched
    const again = await call(d.socket, '/add', key);
    assert.equal(again.status, 200);
    assert.notEqual(again.body.port_id, portId);
    for (const k of [key, prime]) assert.equal((await delKey(d, k)).status, 200);
    await d.stop();
    assert.equal((await journalFiles(d, 'attachments')).length, 0, 'a stop lets the queued releases finish');
    assert.equal((await journalFiles(d, 'outbox')).length, 0);
    assert.equal((await t.ports()).filter((p) => p.device_id === key.container_id).length, 0, 'no leak');
  });

  it('kill -9 after the answer, before the claim update: the restart claims the port, DEL releases it', async () => {
    const { d: first, prime } = await warmDaemon();
    await first.stop();
    const crashing = await daemon(first.dir, { [FAULT_ENV]: 'answered' });
    const key = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
    const add = await call(crashing.socket, '/add', key);
    assert.equal(add.status, 200, 'answered before the kill');
    const portId = String(add.body.port_id);
    await until(
      'the daemon killed',
      async () => crashing.child.exitCode !== null || crashing.child.signalCode !== null,
    );
    assert.equal(crashing.child.signalCode, 'SIGKILL');
    assert.equal((await portOf(portId))?.device_id, '', 'not claimed before the kill');

    const restarted = await daemon(first.dir);
    await until(
      'the claim finished after the restart',
      async () => (await portOf(portId))?.tags.length === 4,
    );
    const claimed = await ports.get(t.net, portId);
    assert.equal(claimed.device_id, key.container_id);
    assert.equal(claimed['binding:host_id'], restarted.node);
    assert.equal(claimed.name, `cni/${key.container_id.slice(0, 12)}/eth0`);
    assert.ok(claimed.tags.includes(`osnet-cni-key=${keyId(key)}`));
    const retried = await call(restarted.socket, '/add', key);
    assert.equal(retried.body.port_id, portId, 'a retried ADD gets the same port');

    for (const k of [key, prime]) assert.equal((await delKey(restarted, k)).status, 200);
    await restarted.stop();
    assert.equal(await portOf(portId), undefined, 'DEL released it');
    assert.equal((await t.ports()).filter((p) => p.device_id === key.container_id).length, 0, 'no leak');
    assert.equal((await journalFiles(restarted, 'attachments')).length, 0);
    assert.equal((await journalFiles(restarted, 'outbox')).length, 0);
  });

  it('kill -9 after a DEL queued behind the claim: the restart deletes the port and never claims it', async () => {
    const { d, prime } = await warmDaemon({ [FAULT_CLAIM_PAUSE_ENV]: '60000' });
    const key = { container_id: cid(), ifname: 'eth0', network_id: t.networkId, subnet_id: t.subnet4 };
    const add = await call(d.socket, '/add', key);
    const portId = String(add.body.port_id);
    assert.deepEqual((await delKey(d, key)).body, { released: false, queued: true });
    await d.kill();
    assert.ok(await portOf(portId), 'still there at the kill');

    const restarted = await daemon(d.dir);
    await until('the port deleted', async () => (await portOf(portId)) === undefined);
    await until('the outbox empty', async () => (await journalFiles(restarted, 'outbox')).length === 0);
    assert.deepEqual(callsOn(restarted.logs(), portId), ['DELETE'], 'deleted, never claimed');
    assert.equal((await delKey(restarted, prime)).status, 200);
    await restarted.stop();
    assert.equal((await journalFiles(restarted, 'attachments')).length, 0, 'no record left');
    assert.equal((await t.ports()).filter((p) => p.device_id === key.container_id).length, 0, 'no leak');
  });
});
