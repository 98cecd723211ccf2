import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The skeleton tested as it runs: a real process, real HTTP, real signals.
const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'testing', 'service', 'sample-service.ts');

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-svc-'));
});
after(() => rm(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  log: () => string;
  records: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [SAMPLE, 'run', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let text = '';
  child.stderr!.on('data', (b: Buffer) => {
    text += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const records = () =>
    text
      .split('\n')
      .filter((l) => l.startsWith('{"level"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, log: () => text, records, exited };
}

async function until<T>(
  f: () => T | undefined | Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Target = { host: string; port: number } | { socketPath: string };

function get(
  t: Target,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...t, path, method, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function address(run: Run): Promise<Target> {
  const rec = await until(() => run.records().find((r) => r.msg === 'listening'), 'the listening log line');
  const a = String(rec.address);
  if (a.startsWith('unix:')) return { socketPath: a.slice(5) };
  const m = /^(.*):(\d+)$/.exec(a)!;
  return { host: m[1]!, port: Number(m[2]) };
}

test('health, readiness and metrics over TCP; SIGTERM: readiness 503 during the stop, then exit 0', async () => {
  const run = start(['--listen', '127.0.0.1:0', '--start-delay', '400', '--stop-delay', '1000']);
  try {
    const t = await address(run);
    const early = await get(t, '/readyz');
    assert.equal(early.status, 503, 'not ready while starting');
    assert.deepEqual(JSON.parse(early.body), { ready: false, reason: 'starting' });
    assert.equal((await get(t, '/healthz')).status, 200, 'alive while starting');
    await until(async () => (await get(t, '/readyz')).status === 200, 'ready');
    const health = await get(t, '/healthz');
    assert.deepEqual([health.status, JSON.parse(health.body)], [200, { status: 'ok' }]);
    const m = await get(t, '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    assert.match(m.body, /^osnet_sample_starts_total 1$/m);
    assert.match(m.body, /^osnet_service_ready 1$/m);
    assert.match(m.body, /^process_resident_memory_bytes \d+/m);
    const nope = await get(t, '/nope');
    assert.equal(nope.status, 404);
    assert.equal(JSON.parse(nope.body).code, 'OSNET_ERR_NOT_FOUND');
    assert.equal((await get(t, '/healthz', 'POST')).status, 404);
    assert.equal((await get(t, '/readyz', 'HEAD')).body, '');

    run.child.kill('SIGTERM');
    await until(() => run.records().some((r) => r.msg === 'sample stopping'), 'the stop to begin');
    const during = await get(t, '/readyz');
    assert.equal(during.status, 503);
    assert.deepEqual(JSON.parse(during.body), { ready: false, reason: 'shutting down' });
    assert.match((await get(t, '/metrics')).body, /^osnet_service_ready 0$/m);
    assert.equal(await run.exited, 0, run.log());
    assert.ok(run.records().some((r) => r.msg === 'stopped'));
    await assert.rejects(get(t, '/healthz'), /ECONNREFUSED/);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test("/health runs the service's own check: 200 while it passes, 503 with the reason while it fails", async () => {
  const flag = join(dir, 'unhealthy');
  const run = start(['--listen', '127.0.0.1:0', '--unhealthy-if', flag]);
  try {
    const t = await address(run);
    await until(async () => (await get(t, '/readyz')).status === 200, 'ready');
    const ok = await get(t, '/health');
    assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { status: 'ok' }]);
    await writeFile(flag, '');
    const bad = await get(t, '/health');
    assert.deepEqual(
      [bad.status, JSON.parse(bad.body)],
      [503, { status: 'failing', reason: `${flag} exists` }],
    );
    assert.equal((await get(t, '/healthz')).status, 200, '/healthz says alive, whatever the dependencies');
    await rm(flag);
    assert.equal((await get(t, '/health')).status, 200);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.log());
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('a unix socket from the environment; SIGINT stops too and the socket is removed', async () => {
  const sock = join(dir, 'run', 'sample.sock');
  const run = start([], { OSNET_SAMPLE_LISTEN: `unix:${sock}` });
  try {
    const t = await address(run);
    assert.deepEqual(t, { socketPath: sock });
    await until(async () => (await get(t, '/readyz')).status === 200, 'ready');
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.log());
    assert.equal(existsSync(sock), false);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('a stop that overruns the shutdown timeout exits with an error', async () => {
  const run = start(['--listen', '127.0.0.1:0', '--stop-delay', '5000', '--shutdown-timeout', '200']);
  try {
    const t = await address(run);
    await until(async () => (await get(t, '/readyz')).status === 200, 'ready');
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 1);
    assert.ok(Date.now() - t0 < 3000, 'left without waiting for the stuck stop');
    assert.match(run.log(), /^osnet-sample: OSNET_ERR_INTERNAL: osnet-sample did not stop within 200 ms$/m);
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('a failed start exits with its code’s status, says why on one line, and closes the endpoints', async () => {
  const sock = join(dir, 'fail.sock');
  const run = start(['--listen', sock, '--fail-start'], { OSNET_LOG_FORMAT: 'json' });
  assert.equal(await run.exited, 78);
  assert.match(run.log(), /^osnet-sample: OSNET_ERR_CONFIG: sample refuses to start$/m);
  const json = run
    .log()
    .split('\n')
    .find((l) => l.startsWith('{"code"'));
  assert.deepEqual(JSON.parse(json!), {
    code: 'OSNET_ERR_CONFIG',
    message: 'sample refuses to start',
    field: '--fail-start',
  });
  assert.equal(existsSync(sock), false);
  const bad = start(['--listen', 'nowhere']);
  assert.equal(await bad.exited, 78);
  assert.match(
    bad.log(),
    /OSNET_ERR_CONFIG: --listen: must be unix:\/path, HOST:PORT or :PORT \(got nowhere\)/,
  );
});
