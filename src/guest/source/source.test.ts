import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { findConfigDrive, mountPointOf, readConfigDrive } from './config-drive.ts';
import { decodeBase64Json } from './decode.ts';
import { loadSource } from './index.ts';
import { fetchMetadata } from './metadata.ts';

const ND = {
  links: [{ id: 'l0', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:00:01' }],
  networks: [],
  services: [],
};
const isCode = (code: string) => (e: unknown) => e instanceof OsnetError && e.code === code;

let server: Server;
let base = '';
const hits = new Map<string, number>();

before(async () => {
  // A real HTTP server on loopback whose paths misbehave in the ways a metadata service does.
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (path === '/ok') return void res.end(JSON.stringify(ND));
    if (path === '/flaky' && n <= 2) {
      res.statusCode = 503;
      return void res.end('warming up');
    }
    if (path === '/flaky') return void res.end(JSON.stringify(ND));
    if (path === '/always-503') {
      res.statusCode = 503;
      return void res.end();
    }
    if (path === '/garbage') return void res.end('{"links": [');
    if (path === '/hang') return; // never answers
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('metadata: answers on the first try', async () => {
  assert.deepEqual(await fetchMetadata({ url: `${base}/ok` }), ND);
});

test('metadata: a service that fails twice then answers is retried with backoff', async () => {
  const t0 = performance.now();
  assert.deepEqual(await fetchMetadata({ url: `${base}/flaky`, attempts: 4, delayMs: 20 }), ND);
  assert.equal(hits.get('/flaky'), 3);
  assert.ok(performance.now() - t0 >= 20 + 40, 'waited 20 ms then 40 ms between attempts');
});

test('metadata: retries are bounded and the error says why', async () => {
  await assert.rejects(
    fetchMetadata({ url: `${base}/always-503`, attempts: 3, delayMs: 1 }),
    (e: unknown) => {
      assert.ok(isCode('OSNET_ERR_SOURCE')(e));
      assert.match((e as Error).message, /HTTP 503/);
      return true;
    },
  );
  assert.equal(hits.get('/always-503'), 3);
});

test('metadata: 404 is final, not retried', async () => {
  await assert.rejects(fetchMetadata({ url: `${base}/missing`, attempts: 5, delayMs: 1 }), /HTTP 404/);
  assert.equal(hits.get('/missing'), 1);
});

test('metadata: a hanging service times out per attempt', async () => {
  await assert.rejects(
    fetchMetadata({ url: `${base}/hang`, attempts: 2, timeoutMs: 100, delayMs: 1 }),
    (e: unknown) => isCode('OSNET_ERR_SOURCE')(e) && /timed out after 100 ms/.test((e as Error).message),
  );
  assert.equal(hits.get('/hang'), 2);
});

test('metadata: a refused connection is retried then reported', async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  await assert.rejects(
    fetchMetadata({ url: `http://127.0.0.1:${port}/x`, attempts: 2, delayMs: 1 }),
    (e: unknown) => isCode('OSNET_ERR_SOURCE')(e) && /ECONNREFUSED/.test((e as Error).message),
  );
});

test('metadata: invalid JSON is a decode error naming the URL', async () => {
  await assert.rejects(
    fetchMetadata({ url: `${base}/garbage` }),
    (e: unknown) => isCode('OSNET_ERR_DECODE')(e) && (e as OsnetError).field === `${base}/garbage`,
  );
});

async function fakeDrive(label: string) {
  const root = await mkdtemp(join(tmpdir(), 'osg-fake-cd-'));
  const byLabel = join(root, 'fake-by-label');
  const device = join(root, 'fake-sr0');
  const mnt = join(root, 'mnt with space');
  await mkdir(byLabel);
  await mkdir(join(mnt, 'openstack', 'latest'), { recursive: true });
  await writeFile(device, '');
  await writeFile(join(mnt, 'openstack', 'latest', 'network_data.json'), JSON.stringify(ND));
  await symlink(device, join(byLabel, label));
  await symlink(join(root, 'nothing'), join(byLabel, 'other-label'));
  const mounts = join(root, 'fake-mounts');
  await writeFile(
    mounts,
    `proc /proc proc rw 0 0\n${device} ${mnt.replace(/ /g, '\\040')} iso9660 ro,relatime 0 0\n`,
  );
  return { root, byLabel, device, mnt, mounts };
}

test('config drive: found by label (either case) and read where it is mounted', async () => {
  for (const label of ['config-2', 'CONFIG-2']) {
    const d = await fakeDrive(label);
    try {
      assert.equal(await findConfigDrive({ byLabelDir: d.byLabel }), d.device);
      assert.equal(await mountPointOf(d.device, d.mounts), d.mnt);
      assert.deepEqual(await readConfigDrive({ byLabelDir: d.byLabel, mountsFile: d.mounts }), ND);
    } finally {
      await rm(d.root, { recursive: true, force: true });
    }
  }
});

test('config drive: none found when neither the label tree nor blkid knows it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osg-fake-cd-'));
  try {
    assert.equal(await findConfigDrive({ byLabelDir: root, blkid: 'false' }), undefined);
    await assert.rejects(readConfigDrive({ byLabelDir: root, blkid: 'false' }), isCode('OSNET_ERR_SOURCE'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('config drive: a directory without network_data.json is a source error', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osg-fake-cd-'));
  try {
    await assert.rejects(
      readConfigDrive({ dir: root }),
      (e: unknown) => isCode('OSNET_ERR_SOURCE')(e) && /network_data\.json/.test(String(e)),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('base64: the seed form decodes; anything else is refused', () => {
  const b64 = Buffer.from(JSON.stringify(ND)).toString('base64');
  assert.deepEqual(decodeBase64Json(b64), ND);
  assert.deepEqual(decodeBase64Json(Buffer.from(JSON.stringify(ND)).toString('base64url')), ND);
  assert.deepEqual(decodeBase64Json(`${b64.slice(0, 10)}\n${b64.slice(10)}`), ND, 'line breaks are ignored');
  for (const bad of ['', 'not base64!', 'a', Buffer.from('{oops').toString('base64')]) {
    assert.throws(() => decodeBase64Json(bad), isCode('OSNET_ERR_DECODE'), bad);
  }
});

test('loadSource: file, stdin, b64, config drive directory and metadata', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osg-src-'));
  try {
    const file = join(root, 'nd.json');
    await writeFile(file, JSON.stringify(ND));
    assert.deepEqual(await loadSource({ source: 'file', input: file }), { raw: ND, origin: file });
    assert.deepEqual((await loadSource({ input: file })).raw, ND, 'auto with --input reads the file');
    const stdin = Readable.from([
      Buffer.from(JSON.stringify(ND).slice(0, 5)),
      Buffer.from(JSON.stringify(ND).slice(5)),
    ]);
    assert.deepEqual(await loadSource({ source: 'stdin', stdin }), { raw: ND, origin: 'stdin' });
    const b64 = Buffer.from(JSON.stringify(ND)).toString('base64');
    assert.deepEqual(await loadSource({ source: 'file', b64 }), { raw: ND, origin: '--b64' });
    await mkdir(join(root, 'openstack', 'latest'), { recursive: true });
    await writeFile(join(root, 'openstack', 'latest', 'network_data.json'), JSON.stringify(ND));
    assert.deepEqual((await loadSource({ configDrive: { dir: root } })).raw, ND);
    const viaMeta = await loadSource({
      source: 'auto',
      configDrive: { byLabelDir: join(root, 'none'), blkid: 'false' },
      metadata: { url: `${base}/ok` },
    });
    assert.deepEqual(viaMeta, { raw: ND, origin: `${base}/ok` }, 'auto falls back to the metadata service');
    await assert.rejects(
      loadSource({ source: 'file', input: join(root, 'missing.json') }),
      isCode('OSNET_ERR_IO'),
    );
    await assert.rejects(loadSource({ source: 'file' }), isCode('OSNET_ERR_VALIDATION'));
    await assert.rejects(loadSource({ source: 'floppy' as never }), isCode('OSNET_ERR_VALIDATION'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
