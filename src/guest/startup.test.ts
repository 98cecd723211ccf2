/**
 * What a run of the built osnet-guest loads at start (udev starts one process per NIC event, so this is
 * each event's cost): the bundle as scripts/build.ts makes it (launcher + chunks, builtins on first use),
 * built into a temp dir. Figures are bench/guest.ts's; this checks what loads, not how long it takes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSplit, CACHE_DIR } from '../../scripts/build-split.ts';
import { treeSums } from '../testing/guest/tree.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAC = 'fa:16:3e:70:00:01';
const ND = {
  links: [{ id: 'a', type: 'phy', ethernet_mac_address: MAC, mtu: 1450 }],
  networks: [
    {
      id: 'n',
      link: 'a',
      type: 'ipv4',
      ip_address: '10.90.0.2',
      netmask: '255.255.255.0',
      routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.90.0.1' }],
    },
  ],
  services: [{ type: 'dns', address: '10.90.0.53' }],
};

let dir: string;
let bin: string;
let lib: string;
let nd: string;
/** Written by the --import hook at exit: the builtins and files the run loaded. */
let report: string;
let hook: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osg-start-'));
  bin = join(dir, 'bin', 'osnet-guest');
  lib = join(dir, 'lib', 'osnet-guest');
  await buildSplit('osnet-guest', join(repo, 'src', 'cmd', 'osnet-guest.ts'), bin, lib);
  nd = join(dir, 'nd.json');
  await writeFile(nd, JSON.stringify(ND));
  report = join(dir, 'loaded.json');
  hook = join(dir, 'hook.mjs');
  await writeFile(
    hook,
    // builtins through getBuiltinModule: an ESM import of node:fs would read all its exports (fs.promises too)
    `const { registerHooks } = process.getBuiltinModule('node:module');
const { writeFileSync } = process.getBuiltinModule('node:fs');
const files = [];
registerHooks({ load(url, ctx, next) { if (url.startsWith('file:')) files.push(url); return next(url, ctx); } });
process.on('exit', () => writeFileSync(${JSON.stringify(report)}, JSON.stringify({ builtins: process.moduleLoadList, files })));
`,
  );
});
after(() => rm(dir, { recursive: true, force: true }));

function run(args: string[], withHook = false) {
  const argv = withHook ? ['--import', hook, bin, ...args] : [bin, ...args];
  return spawnSync(process.execPath, argv, { encoding: 'utf8' });
}

async function loaded(): Promise<{ builtins: string[]; files: string[] }> {
  return JSON.parse(await readFile(report, 'utf8')) as { builtins: string[]; files: string[] };
}

test('render loads no node:crypto, child_process, net or stream, nor the logger, metrics or YAML chunks', async () => {
  const root = join(dir, 'render');
  const r = run(
    ['render', '--input', nd, '--format', 'netplan', '--root', root, '--mac-map', `ens3=${MAC}`],
    true,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(Object.keys(await treeSums(root)).sort(), [
    'etc/netplan/50-osnet-ens3.yaml',
    'etc/systemd/resolved.conf.d/50-osnet.conf',
  ]);
  assert.equal(
    r.stdout,
    `${join(root, 'etc/netplan/50-osnet-ens3.yaml')}\n${join(root, 'etc/systemd/resolved.conf.d/50-osnet.conf')}\n`,
  );
  const { builtins, files } = await loaded();
  for (const m of ['crypto', 'child_process', 'net', 'stream', 'tty'])
    assert.ok(!builtins.includes(`NativeModule ${m}`), `${m} loaded`);
  const chunks = readdirSync(lib).filter((f) => f.endsWith('.mjs'));
  const heavy: string[] = [];
  for (const c of chunks) {
    const text = await readFile(join(lib, c), 'utf8');
    if (/^\/\/ node_modules\/(pino|prom-client|yaml)\//m.test(text)) heavy.push(c);
  }
  assert.equal(heavy.length, 3, 'the logger, metrics and YAML are chunks of their own');
  const used = new Set(files.map((u) => u.split('/').pop()));
  assert.deepEqual(
    heavy.filter((c) => used.has(c)),
    [],
  );
  assert.ok(used.size < chunks.length, 'render loads only some of the chunks');
});

test('an event (what udev runs per NIC) logs its JSON lines without loading pino, metrics or YAML', async () => {
  const root = join(dir, 'event');
  const r = run(
    [
      ...['event', 'add', 'ens3', '--source', 'file', '--input', nd, '--format', 'netplan', '--root', root],
      ...['--mac-map', `ens3=${MAC}`, '--no-reconfigure', '--wait', '0'],
    ],
    true,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).changes.length, 2);
  const lines = r.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => [l.level, l.name, l.msg]),
    [
      [30, 'osnet-guest', 'NIC event'],
      [30, 'osnet-guest', 'config file'],
      [30, 'osnet-guest', 'config file'],
    ],
  );
  assert.equal(lines[0]!.nic, 'ens3');
  const { files } = await loaded();
  const used = new Set(files.map((u) => u.split('/').pop()));
  for (const c of readdirSync(lib).filter((f) => f.endsWith('.mjs'))) {
    const text = await readFile(join(lib, c), 'utf8');
    // esbuild names a package's files from where node_modules really is (a link: another path)
    if (/^\/\/ \S*node_modules\/(pino|prom-client|yaml)\//m.test(text))
      assert.ok(!used.has(c), `${c} loaded`);
  }
});

test('the second run reads the compile cache beside the chunks; a read-only one still runs', async () => {
  const cache = join(lib, CACHE_DIR);
  await rm(cache, { recursive: true, force: true });
  const r = run(['validate', '--input', nd]);
  assert.equal(r.status, 0, r.stderr);
  const entries = readdirSync(cache, { recursive: true });
  assert.ok(entries.length > 0, 'the first run wrote the cache');
  await rm(cache, { recursive: true, force: true });
  // a file where the cache directory would be: the cache cannot be made, the run goes on without it
  await writeFile(cache, '');
  try {
    const ro = run(['validate', '--input', nd]);
    assert.equal(ro.status, 0, ro.stderr);
    assert.equal(ro.stderr, '', 'no warning on each run');
    assert.equal(JSON.parse(ro.stdout).valid, true);
  } finally {
    await rm(cache, { force: true });
  }
});

test('each subcommand is answered as when all are defined: its help, and usage errors', () => {
  for (const name of ['render', 'apply', 'validate', 'watch', 'event', 'install', 'uninstall']) {
    const alone = run([name, '--help']);
    const all = run(['help', name]);
    assert.equal(alone.status, 0, alone.stderr);
    assert.equal(alone.stdout, all.stdout, name);
    assert.match(alone.stdout, new RegExp(`^Usage: osnet-guest ${name} `));
  }
  const bad = run(['validate', '--no-such-flag']);
  assert.equal(bad.status, 64);
  assert.match(bad.stderr, /OSNET_ERR_USAGE: unknown option '--no-such-flag'/);
  const top = run(['--help']);
  for (const name of ['render', 'apply', 'validate', 'watch', 'event', 'install', 'uninstall'])
    assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
});

test('install from the bundle asks for the single executable and writes nothing (the launcher is not the program)', async () => {
  const root = join(dir, 'install-root');
  const r = run(['install', '--root', root, '--no-activate']);
  assert.equal(r.status, 65);
  assert.match(r.stderr, /OSNET_ERR_VALIDATION: .*--binary/);
  assert.equal(existsSync(root), false);
});

/** GET over the service's unix socket. */
function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('watch from the bundle reads a YAML settings file and serves metrics (packages it imports lazily)', async () => {
  const root = join(dir, 'watch');
  const settings = join(dir, 'settings.yaml');
  await writeFile(settings, 'debounce: 300\n');
  const sock = join(dir, 'watch.sock');
  const child = spawn(
    process.execPath,
    [
      bin,
      'watch',
      ...['--config', settings, '--root', root, '--source', 'file', '--input', nd, '--format', 'netplan'],
      ...['--mac-map', `ens3=${MAC}`, '--no-reconfigure', '--listen', `unix:${sock}`],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d));
  const exited = new Promise<number | null>((ok) => child.on('close', ok));
  try {
    for (let i = 0; i < 100 && !log.includes('"msg":"started"'); i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(log, /"msg":"started"/, log);
    const metrics = await get(sock, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^process_cpu_user_seconds_total /m);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, log);
});
