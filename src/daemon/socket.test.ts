// The CNI socket on its own (no Neutron): modes, stale and live sockets, and the kernel's peer check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildNative } from '../../scripts/build-native.ts';
import type { OsnetError } from '../lib/errors.ts';
import { silentLogger } from '../lib/log.ts';
import { call } from '../testing/daemon/daemon.ts';
import './error-codes.ts';
import { listenCni } from './socket.ts';

let dir: string;
let n = 0;
const handled: string[] = [];
const handle = async (route: string) => {
  handled.push(route);
  return { ok: route };
};

before(async () => {
  await buildNative();
  dir = await mkdtemp(join(tmpdir(), 'osnet-sock-'));
  // other uids must reach the socket's directory for the peer-check tests
  await chmod(dir, 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

function sockPath(): string {
  n += 1;
  return join(dir, `d${n}`, 'cni.sock');
}

/** A request from a child process with the given setpriv ids; its answer. */
async function callAs(uid: number, gid: number, socket: string) {
  const client = `
    const r = require('node:http').request({ socketPath: process.argv[1], path: '/add', method: 'POST' }, (res) => {
      let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => { console.log(JSON.stringify({ status: res.statusCode, body: JSON.parse(t) })); });
    });
    r.on('error', (e) => { console.log(JSON.stringify({ error: e.code })); });
    r.end('{}');`;
  const child = spawn(
    'setpriv',
    [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', process.execPath, '-e', client, socket],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await once(child, 'exit');
  return JSON.parse(out) as { status?: number; body?: Record<string, unknown>; error?: string };
}

describe('CNI socket', () => {
  it('is created 0660 in a directory others cannot write, and removed on close', async () => {
    const path = sockPath();
    const s = await listenCni({ path, allowUids: [0], log: silentLogger, handle });
    try {
      assert.equal((await stat(path)).mode & 0o777, 0o660);
      const d = (await stat(join(path, '..'))).mode & 0o777;
      assert.equal(d & 0o002, 0, `dir mode ${d.toString(8)}`);
      assert.equal(d, 0o750);
      assert.deepEqual((await call(path, '/add', {})).body, { ok: 'add' });
    } finally {
      await s.close();
    }
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });

  it('refuses a directory everyone may write', async () => {
    const path = sockPath();
    await mkdir(join(path, '..'), { mode: 0o777 });
    await chmod(join(path, '..'), 0o777);
    await assert.rejects(listenCni({ path, allowUids: [0], log: silentLogger, handle }), (e: OsnetError) => {
      assert.equal(e.code, 'OSNET_ERR_CONFIG');
      assert.match(e.message, /writable by everyone/);
      return true;
    });
  });

  it('replaces a stale socket left by a killed daemon', async () => {
    const path = sockPath();
    await mkdir(join(path, '..'), { recursive: true });
    const child = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(process.argv[1], () => console.log('up'))`,
      path,
    ]);
    await once(child.stdout!, 'data');
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.ok((await stat(path)).isSocket(), 'the killed listener left its socket');
    const s = await listenCni({ path, allowUids: [0], log: silentLogger, handle });
    try {
      assert.deepEqual((await call(path, '/del', {})).body, { ok: 'del' });
    } finally {
      await s.close();
    }
  });

  it('does not take over a live socket, nor replace a file that is no socket', async () => {
    const path = sockPath();
    await mkdir(join(path, '..'), { recursive: true });
    const live = createServer((c) => {
      c.on('error', () => undefined); // the daemon's probe connects and hangs up
      c.end('live\n');
    });
    await new Promise<void>((r) => live.listen(path, r));
    try {
      await assert.rejects(listenCni({ path, allowUids: [0], log: silentLogger, handle }), {
        code: 'OSNET_ERR_SOCKET_IN_USE',
      });
      // the live one still answers on its socket
      const { connect } = await import('node:net');
      const c = connect(path);
      const [data] = await once(c, 'data');
      assert.equal(String(data), 'live\n');
      c.destroy();
    } finally {
      await new Promise((r) => live.close(r));
    }
    const file = sockPath();
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, 'not a socket');
    await assert.rejects(listenCni({ path: file, allowUids: [0], log: silentLogger, handle }), {
      code: 'OSNET_ERR_CONFIG',
    });
  });

  it('refuses a peer whose uid the kernel reports outside the allow-list, though file modes let it in', async () => {
    const path = sockPath();
    const s = await listenCni({ path, allowUids: [0], log: silentLogger, handle });
    try {
      handled.length = 0;
      // gid 0 passes the 0660 socket and 0750 directory: only SO_PEERCRED can refuse uid 65534
      const r = await callAs(65534, 0, path);
      assert.equal(r.status, 403, JSON.stringify(r));
      assert.equal(r.body?.code, 'OSNET_ERR_PERMISSION');
      assert.equal(r.body?.cni, 100);
      assert.match(String(r.body?.message), /peer uid 65534/);
      assert.deepEqual(handled, [], 'the handler never ran');
      // and the file modes keep an outsider group away entirely
      const outsider = await callAs(65534, 65534, path);
      assert.equal(outsider.error, 'EACCES');
    } finally {
      await s.close();
    }
  });

  it('lets an allow-listed uid through', async () => {
    const path = sockPath();
    const s = await listenCni({ path, allowUids: [0, 65534], log: silentLogger, handle });
    try {
      const r = await callAs(65534, 0, path);
      assert.equal(r.status, 200, JSON.stringify(r));
      assert.deepEqual(r.body, { ok: 'add' });
    } finally {
      await s.close();
    }
  });

  it('answers garbage that is not HTTP with a DaemonError', async () => {
    const path = sockPath();
    const s = await listenCni({ path, allowUids: [0], log: silentLogger, handle });
    try {
      const { connect } = await import('node:net');
      const c = connect(path);
      c.end('\x00\x01 not http at all\r\n\r\n');
      let text = '';
      for await (const d of c) text += d;
      assert.match(text, /^HTTP\/1\.1 400/);
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
      assert.equal(body.code, 'OSNET_ERR_DECODE');
      assert.equal(body.cni, 6);
    } finally {
      await s.close();
    }
  });
});
