import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmod, copyFile, mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildNative } from '../../scripts/build-native.ts';
import { OsnetError } from '../lib/errors.ts';
import {
  ADDON_ENV,
  addonCandidates,
  assertPeerUid,
  loadPeerCredAddon,
  type PeerCred,
  peerCredOf,
  peerCredOfFd,
  socketFd,
} from './peercred.ts';

const CLIENT = `
const s = require('node:net').connect(process.argv[1]);
s.on('error', (e) => { console.error(e.message); process.exit(2); });
s.resume();
s.on('end', () => process.exit(0));
`;

let dir: string;
let built: string;
let sockPath: string;
let server: Server;
/** Each connection's credentials (or the error reading them), taken on 'connection' as the daemon will. */
let onPeer: (r: { cred?: PeerCred; err?: unknown; socket: Socket }) => void = () => {};

function nextPeer(): Promise<{ cred?: PeerCred; err?: unknown; socket: Socket }> {
  return new Promise((resolve) => {
    onPeer = resolve;
  });
}

async function connectFrom(args: string[], opts: { uid?: number; gid?: number } = {}) {
  const peer = nextPeer();
  const child: ChildProcess = spawn(args[0]!, [...args.slice(1), '-e', CLIENT, sockPath], {
    ...opts,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = once(child, 'exit');
  const got = await Promise.race([
    peer,
    exited.then(([code]) => {
      throw new Error(`client exited with ${code} before connecting: ${stderr}`);
    }),
  ]);
  got.socket.end();
  const [code] = await exited;
  assert.equal(code, 0, stderr);
  return { ...got, pid: child.pid };
}

before(async () => {
  built = (await buildNative())[0]!.path;
  dir = await mkdtemp(join(tmpdir(), 'osnet-peercred-'));
  // clients run as other users must reach the socket
  await chmod(dir, 0o755);
  sockPath = join(dir, 'cni.sock');
  server = createServer((socket) => {
    try {
      onPeer({ cred: peerCredOf(socket), socket });
    } catch (err) {
      onPeer({ err, socket });
    }
  });
  server.listen(sockPath);
  await once(server, 'listening');
  await chmod(sockPath, 0o777);
});

after(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('peerCredOf on a real Unix socket', () => {
  it('sees this process (root) with its own pid', async () => {
    const peer = nextPeer();
    const client = connect(sockPath);
    const { cred, err, socket } = await peer;
    assert.equal(err, undefined);
    assert.deepEqual(cred, { pid: process.pid, uid: 0, gid: 0 });
    socket.destroy();
    client.destroy();
  });

  it('sees a root child process with the child pid', async () => {
    const { cred, pid } = await connectFrom([process.execPath]);
    assert.deepEqual(cred, { pid, uid: 0, gid: 0 });
  });

  it('sees a client spawned as nobody (uid/gid 65534) as 65534', async () => {
    const { cred, pid } = await connectFrom([process.execPath], { uid: 65534, gid: 65534 });
    assert.deepEqual(cred, { pid, uid: 65534, gid: 65534 });
  });

  it('sees an uid that has no passwd entry (setpriv): the ids come from the kernel, not a name lookup', async () => {
    const { cred, pid } = await connectFrom([
      'setpriv',
      '--reuid=43210',
      '--regid=43211',
      '--clear-groups',
      process.execPath,
    ]);
    assert.deepEqual(cred, { pid, uid: 43210, gid: 43211 });
  });
});

describe('assertPeerUid', () => {
  it('lets root through and refuses nobody with OSNET_ERR_PERMISSION', async () => {
    const rootPeer = nextPeer();
    const c1 = connect(sockPath);
    const r = await rootPeer;
    assert.equal(assertPeerUid(r.socket).uid, 0);
    r.socket.destroy();
    c1.destroy();

    // the check runs on the server side of a connection made by a nobody process
    const checked = new Promise<unknown>((resolve) => {
      onPeer = ({ socket }) => {
        try {
          resolve(assertPeerUid(socket));
        } catch (e) {
          resolve(e);
        }
        socket.end();
      };
    });
    const child = spawn(process.execPath, ['-e', CLIENT, sockPath], {
      uid: 65534,
      gid: 65534,
      stdio: 'ignore',
    });
    const e = await checked;
    await once(child, 'exit');
    assert.ok(e instanceof OsnetError, String(e));
    assert.equal(e.code, 'OSNET_ERR_PERMISSION');
    assert.equal(e.details.uid, 65534);
    assert.match(e.message, /uid 65534/);
  });
});

describe('peerCredOfFd refuses what is not a connected Unix socket', () => {
  it('a regular file: ENOTSOCK', async () => {
    const f = join(dir, 'plain');
    await writeFile(f, 'x');
    const fh = await open(f, 'r');
    try {
      assert.throws(
        () => peerCredOfFd(fh.fd),
        (e: unknown) =>
          e instanceof OsnetError && e.code === 'OSNET_ERR_IO' && e.details.errno === 'ENOTSOCK',
      );
    } finally {
      await fh.close();
    }
  });

  it('a TCP connection: EAFNOSUPPORT (Linux would answer SO_PEERCRED there with placeholder ids)', async () => {
    const tcp = createServer((s) => s.destroy()).listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    const addr = tcp.address();
    assert.ok(addr && typeof addr === 'object');
    const c = connect(addr.port, '127.0.0.1');
    await once(c, 'connect');
    try {
      assert.throws(
        () => peerCredOf(c),
        (e: unknown) => e instanceof OsnetError && e.details.errno === 'EAFNOSUPPORT',
      );
    } finally {
      c.destroy();
      tcp.close();
    }
  });

  it('a closed socket is refused before its fd number is reused', async () => {
    const peer = nextPeer();
    const client = connect(sockPath);
    const { socket } = await peer;
    socket.destroy();
    client.destroy();
    assert.throws(
      () => socketFd(socket),
      (e: unknown) => e instanceof OsnetError && /closed/.test(e.message),
    );
  });

  it('a bad fd: EBADF, and a non-integer fd is a range error from the addon', () => {
    assert.throws(
      () => peerCredOfFd(2 ** 30),
      (e: unknown) => e instanceof OsnetError && e.details.errno === 'EBADF',
    );
    assert.throws(
      () => peerCredOfFd(1.5),
      (e: unknown) => e instanceof OsnetError && e.details.errno === 'ERR_OUT_OF_RANGE',
    );
  });
});

describe('loading the addon', () => {
  it('a missing addon is an OsnetError naming every path tried and the env override', () => {
    const tried = [join(dir, 'nope', 'peercred.node'), join(dir, 'also-not', 'peercred.node')];
    assert.throws(
      () => loadPeerCredAddon(tried),
      (e: unknown) =>
        e instanceof OsnetError &&
        e.code === 'OSNET_ERR_CONFIG' &&
        e.field === ADDON_ENV &&
        tried.every((p) => e.message.includes(p)) &&
        e.message.includes('build-native'),
    );
  });

  it('a file that is not a loadable addon is named in the error', async () => {
    const bogus = join(dir, 'bogus.node');
    await writeFile(bogus, 'not an ELF');
    assert.throws(
      () => loadPeerCredAddon([bogus]),
      (e: unknown) => e instanceof OsnetError && e.message.includes(bogus) && /cannot load/.test(e.message),
    );
  });

  it('the env override replaces the search path; the default search finds the built addon', () => {
    assert.deepEqual(addonCandidates({ [ADDON_ENV]: '/opt/osnet/peercred.node' }), [
      '/opt/osnet/peercred.node',
    ]);
    const found = addonCandidates({}).filter((p) => p.endsWith(join('dist', 'native', 'peercred.node')));
    assert.ok(found.length > 0);
    assert.equal(typeof loadPeerCredAddon(addonCandidates({})).peerCred, 'function');
  });
});

describe('a bundled daemon finds the addon', () => {
  /** A bundle that serves one connection and prints the peer as the daemon will see it. */
  const PROBE = `
    import { createServer, connect } from 'node:net';
    import { peerCredOf } from ${JSON.stringify(fileURLToPath(new URL('./peercred.ts', import.meta.url)))};
    const path = process.argv[2];
    const server = createServer((s) => { console.log(JSON.stringify(peerCredOf(s))); s.destroy(); server.close(); });
    server.listen(path, () => connect(path).on('error', () => {}));
  `;

  for (const layout of ['next to the bundle', 'in ../native']) {
    it(layout, async () => {
      const root = await mkdtemp(join(dir, 'bundle-'));
      await mkdir(join(root, 'bin'));
      await mkdir(join(root, 'native'));
      const bundle = join(root, 'bin', 'probe.mjs');
      await build({
        stdin: { contents: PROBE, resolveDir: import.meta.dirname, loader: 'ts' },
        outfile: bundle,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'silent',
      });
      const dest =
        layout === 'next to the bundle'
          ? join(root, 'bin', 'peercred.node')
          : join(root, 'native', 'peercred.node');
      await copyFile(built, dest);
      const env = { ...process.env };
      delete env[ADDON_ENV];
      const r = spawnSync(process.execPath, [bundle, join(root, 's.sock')], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { pid: r.pid, uid: 0, gid: 0 });
    });
  }

  it('without the addon anywhere, the bundle fails with the OsnetError naming the env override', async () => {
    const root = await mkdtemp(join(dir, 'bundle-'));
    const bundle = join(root, 'bin', 'probe.mjs');
    await build({
      stdin: { contents: PROBE, resolveDir: import.meta.dirname, loader: 'ts' },
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const r = spawnSync(process.execPath, [bundle, join(root, 's.sock')], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`peercred\\.node is missing.*${ADDON_ENV}`));
  });
});
