// osnet-portal as a process, bundled exactly like dist/bin (scripts/build-options.ts) into a temp dir so a
// stale dist/bin is never what runs: bootstrap (generated password, refusal, --force from stdin), serve
// with login → token → an authenticated call, /health, SIGTERM, and the secret key's checks.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Agent } from 'undici';
import { entryOptions } from '../../scripts/build-options.ts';
import { generateKey } from '../lib/secret-box.ts';
import { REPO_ROOT } from '../testing/openstack/lab.ts';
import { spawnService } from '../testing/service/process.ts';
import { describeStores } from '../testing/store/stores.ts';

let dir: string;
let bin: string;
const built = (async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-portal-cli-'));
  bin = join(dir, 'osnet-portal');
  await build(entryOptions('osnet-portal', join(REPO_ROOT, 'src/cmd/osnet-portal.ts'), bin));
  await chmod(bin, 0o755);
})();
after(() => rm(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  o: { stdin?: string; env?: NodeJS.ProcessEnv; bin?: string } = {},
): Promise<Run> {
  const child = spawn(process.execPath, [o.bin ?? bin, ...args], { env: { ...process.env, ...o.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  child.stdin.end(o.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe("osnet portal bootstrap (the issue's command)", () => {
  it('runs osnet-portal bootstrap beside it, with its stdin, output and exit code', async () => {
    await built;
    const osnet = join(dir, 'osnet');
    await build(entryOptions('osnet', join(REPO_ROOT, 'src/cmd/osnet.ts'), osnet));
    const state = await mkdtemp(join(dir, 'osnet-state-'));
    const args = ['portal', 'bootstrap', '--db', `sqlite:${join(state, 'portal.db')}`, '--username', 'ops'];
    const first = await run([...args, '--password-stdin'], { stdin: 'ops-password-1\n', bin: osnet });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^created staff user ops \([0-9a-f]{32}\)$/m);
    assert.doesNotMatch(first.stdout, /password:/);
    const again = await run(args, { bin: osnet });
    assert.equal(again.code, 73, again.stderr);
    assert.match(again.stderr, /OSNET_ERR_PORTAL_EXISTS/);
  });
});

function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnService([bin, ...args, '--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0'], {
    env: { ...process.env, ...env },
  });
}

describeStores('osnet-portal (process)', (ctx) => {
  let stateDir: string;
  let password: string;
  before(async () => {
    await built;
    stateDir = await mkdtemp(join(dir, 'state-'));
  });
  const db = () => ['--db', ctx.url, '--state-dir', stateDir];

  it('bootstrap creates the first staff user once, with a password shown once; --force resets it', async () => {
    const first = await run(['bootstrap', ...db(), '--username', 'root', '--email', 'root@example.org']);
    assert.equal(first.code, 0, first.stderr);
    const m = /^password: (\S+)$/m.exec(first.stdout);
    assert.ok(m, first.stdout);
    const generated = m[1]!;
    const again = await run(['bootstrap', ...db(), '--username', 'other']);
    assert.equal(again.code, 73);
    assert.match(again.stderr, /OSNET_ERR_PORTAL_EXISTS/);
    password = 'from-stdin-password';
    const forced = await run(['bootstrap', ...db(), '--username', 'root', '--force', '--password-stdin'], {
      stdin: `${password}\n`,
    });
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(forced.stdout, /password:/);
    assert.match(forced.stdout, /reset staff user root/);
    assert.notEqual(generated, password);
  });

  it('serves the API: login gives a token, the token authenticates; /health checks the store; SIGTERM exits 0', async () => {
    const p = serve(db());
    try {
      const api = `http://${await p.addr('portal')}`;
      const health = `http://${await p.addr('health')}`;
      const login = await fetch(`${api}/api-auth/password/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root', password }),
      });
      assert.equal(login.status, 200);
      const { token } = (await login.json()) as { token: string };
      assert.match(token, /^[0-9a-f]{40}$/);
      const me = await fetch(`${api}/api/users/me/`, { headers: { authorization: `Token ${token}` } });
      assert.equal(me.status, 200);
      assert.deepEqual(
        [(await me.json()) as { username: string; is_staff: boolean; email: string }].map((u) => [
          u.username,
          u.is_staff,
          u.email,
        ]),
        [['root', true, 'root@example.org']],
      );
      assert.equal((await fetch(`${health}/health`)).status, 200);
      assert.ok(!p.log().includes(password) && !p.log().includes(token), 'no secret in the log');
    } finally {
      p.child.kill('SIGTERM');
    }
    assert.equal(await p.exited, 0, p.log());
  });
});

describe('osnet-portal secret key (process)', () => {
  before(() => built);

  it('refuses a key file others may read and a malformed key, naming where it came from', async () => {
    const state = await mkdtemp(join(dir, 'key-'));
    const file = join(state, 'key');
    await writeFile(file, generateKey(), { mode: 0o644 });
    await chmod(file, 0o644);
    const open = await run([
      '--state-dir',
      state,
      '--secret-key-file',
      file,
      '--listen',
      '127.0.0.1:0',
      '--health-listen',
      '127.0.0.1:0',
    ]);
    assert.equal(open.code, 78);
    assert.match(open.stderr, /--secret-key-file: .* readable by others/);
    const bad = 'not-a-key-at-all';
    const env = await run(
      ['--state-dir', state, '--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0'],
      {
        env: { OSNET_PORTAL_SECRET_KEY: bad },
      },
    );
    assert.equal(env.code, 78);
    assert.match(env.stderr, /OSNET_PORTAL_SECRET_KEY: the secret key must be 32 bytes/);
  });

  it('makes a 0600 key in the state dir on first start and keeps it across starts', async () => {
    const state = await mkdtemp(join(dir, 'gen-'));
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const p = serve(['--state-dir', state]);
      await p.addr('portal');
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0, p.log());
      const line = p
        .log()
        .split('\n')
        .find((l) => l.includes('secret key loaded'))!;
      ids.push((JSON.parse(line) as { keyId: string }).keyId);
    }
    assert.equal(ids[0], ids[1]);
    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(join(state, 'secret.key'))).mode & 0o777, 0o600);
  });

  it('serves HTTPS with --cert/--key, and refuses plain HTTP off loopback', async () => {
    const state = await mkdtemp(join(dir, 'tls-'));
    await promisify(execFile)(process.execPath, [
      join(REPO_ROOT, 'src/cmd/osnet.ts'),
      'policy',
      'certs',
      '--out',
      join(state, 'certs'),
    ]);
    const cert = (f: string) => join(state, 'certs', f);
    const plain = await run([
      '--state-dir',
      state,
      '--listen',
      '0.0.0.0:0',
      '--health-listen',
      '127.0.0.1:0',
    ]);
    assert.equal(plain.code, 78);
    assert.match(plain.stderr, /plain HTTP .* loopback only/);
    const p = serve(['--state-dir', state, '--cert', cert('server.crt'), '--key', cert('server.key')]);
    try {
      const addr = await p.addr('portal');
      const dispatcher = new Agent({ connect: { ca: await readFile(cert('ca.crt')) } });
      const r = await fetch(`https://${addr}/api/users/me/`, { dispatcher } as RequestInit);
      assert.equal(r.status, 401, 'answered over TLS, and without a token refused');
      await assert.rejects(fetch(`http://${addr}/api/users/me/`));
      await dispatcher.close();
    } finally {
      p.child.kill('SIGTERM');
    }
    assert.equal(await p.exited, 0, p.log());
  });
});
