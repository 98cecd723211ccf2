/**
 * The pod path's figures on the lab, in one run: the thin plugin's start (VERSION) beside a bare
 * `node -e 0`; ADD and DEL through openstack-port-cni -> openstack-port-daemon (lab-cni) -> osnet-ovs, with
 * a cold daemon (every ADD creates its port) and a warm one (--pool: ADD claims a pool port); and C
 * concurrent ADDs on the cold daemon (wall time, failures, and the Neutron calls the daemon made, counted
 * from its debug log: until the last answer, and until every attachment's tags were set too). Figures
 * only, no thresholds.
 *
 * The plumbing alone: the osnet-ovs executable's ADD and DEL with the thin plugin's delegate config, beside
 * its VERSION. One more warm ADD and its DEL run under `strace -ff -e trace=execve,connect` (not timed):
 * the programs each started, counted (`--trace FILE` keeps the traces, with timestamps).
 *
 *   node bench/cni.ts [--n N=10] [--concurrent C=50] [--start-runs S=20] [--trace FILE]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hostIfname } from '../src/cni/ovs/link.ts';
import { builtPlugins, removeBuiltPlugins } from '../src/testing/cni/binaries.ts';
import { type CniCall, runCni } from '../src/testing/cni/run.ts';
import { type Daemon, startDaemon } from '../src/testing/daemon/daemon.ts';
import { testNetwork } from '../src/testing/daemon/network.ts';
import { LAB_DIR } from '../src/testing/openstack/lab.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10' },
    concurrent: { type: 'string', default: '50' },
    'start-runs': { type: 'string', default: '20' },
    trace: { type: 'string' },
  },
});
const N = Number(values.n);
const C = Number(values.concurrent);
const S = Number(values['start-runs']);
const DB = `unix:${LAB_DIR}/run/ovs/db.sock`;
const tag = `${process.pid % 100000}`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const rows: string[] = [];
const row = (what: string, xs: number[]) =>
  rows.push(`| ${what} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} |`);

const bin = await builtPlugins();
const plugin = join(bin, 'openstack-port-cni');

// start: alternate runs, so drift of the shared machine hits both alike
const start: Record<string, number[]> = { 'node -e 0': [], 'openstack-port-cni VERSION': [] };
for (let i = 0; i < S + 2; i++) {
  for (const [name, args] of [
    ['node -e 0', ['-e', '0']],
    ['openstack-port-cni VERSION', [plugin]],
  ] as const) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, {
      input: '{"cniVersion":"1.1.0"}',
      env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' },
    });
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stdout}${r.stderr}`);
    if (i >= 2) start[name]!.push(performance.now() - t);
  }
}
for (const [name, xs] of Object.entries(start)) row(`start: ${name}`, xs);

const network = await testNetwork('bench-cni');
const cache = await mkdtemp(join(tmpdir(), 'osnet-bench-cni-'));
const daemons: Daemon[] = [];
const made = new Set<string>();

function pod(name: string): CniCall {
  const ns = `osnet-b${tag}-${name}`;
  execFileSync('ip', ['netns', 'add', ns]);
  made.add(name);
  return {
    command: 'ADD',
    containerId: `osnet-bench-${tag}-${name}`,
    netns: `/run/netns/${ns}`,
    ifname: 'eth0',
    path: `/usr/lib/cni:${bin}`,
    env: { OSNET_CNI_CACHE_DIR: cache },
  };
}
function unpod(name: string): void {
  const ns = `osnet-b${tag}-${name}`;
  const host = hostIfname(`osnet-bench-${tag}-${name}`, 'eth0');
  spawnSync('ovs-vsctl', [`--db=${DB}`, '--if-exists', 'del-port', host]);
  spawnSync('ip', ['link', 'del', host]);
  spawnSync('ip', ['netns', 'del', ns]);
  made.delete(name);
}
const conf = (d: Daemon) => ({
  cniVersion: '1.1.0',
  name: 'osnet-bench',
  type: 'openstack-port-cni',
  network_id: network.networkId,
  subnet_id: network.subnet4,
  delegate_plugin: 'osnet-ovs',
  bridge: 'br-int',
  socket_file: DB,
  socket_path: d.socket,
  delegate: { tx_offload: false },
});

async function timed(call: CniCall, d: Daemon, verb: 'ADD' | 'DEL'): Promise<number> {
  const t = performance.now();
  const r = await runCni(plugin, { ...call, command: verb }, conf(d));
  if (r.code !== 0) throw new Error(`${verb} ${call.containerId}: ${r.stdout}${r.stderr}`);
  return performance.now() - t;
}

/**
 * ADD then DEL of `n` pods, one at a time. `quiet`: each ADD waits until the daemon's Neutron work for the
 * pod before (its claim, the release queued behind it, the pool's refill) is done, as on a node whose
 * Neutron runs elsewhere; without it that work shares the lab's 2 cores with the next ADD.
 */
async function addDel(d: Daemon, label: string, key: string, n: number, quiet = false): Promise<void> {
  const adds: number[] = [];
  const dels: number[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${key}${i}`;
    const call = pod(name);
    if (quiet) await settled(d, 60_000, true);
    adds.push(await timed(call, d, 'ADD'));
    dels.push(await timed(call, d, 'DEL'));
    unpod(name);
  }
  row(`ADD, ${label}`, adds);
  row(`DEL, ${label}`, dels);
}

/** The programs one verb started, from strace -ff logs (one per process): basename -> count. */
function programs(traces: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const trace of traces) {
    for (const m of trace.matchAll(/execve\("([^"]+)".*= 0$/gm)) {
      const name = m[1]!.slice(m[1]!.lastIndexOf('/') + 1);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return counts;
}

const execRows: string[] = [];
/** `verb` of `call` under strace: how many processes it started, and which. */
async function traced(call: CniCall, d: Daemon, verb: 'ADD' | 'DEL'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-bench-trace-'));
  // -ff: a file per process, so lines of processes running at once do not split each other
  const wrap = ['strace', '-ff', '-qq', '-tt', '-e', 'trace=execve,connect', '-o', join(dir, verb)];
  const r = await runCni(plugin, { ...call, command: verb, wrap }, conf(d));
  if (r.code !== 0) throw new Error(`traced ${verb} ${call.containerId}: ${r.stdout}${r.stderr}`);
  const files = (await readdir(dir)).sort();
  const traces = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  if (values.trace) {
    await writeFile(`${values.trace}.${verb}`, traces.map((t, i) => `== ${files[i]}\n${t}`).join(''));
  }
  await rm(dir, { recursive: true, force: true });
  const counts = programs(traces);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const list = [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
  execRows.push(`| traced ${verb}, warm pool | ${total} | ${list} |`);
}

/**
 * Every journal record of the daemon is ready: its port claimed and tagged (what follows the answers);
 * `quiet`: the outbox is empty and no pool refill is running too.
 */
async function settled(d: Daemon, timeoutMs = 600_000, quiet = false): Promise<void> {
  const dir = join(d.stateDir, 'attachments');
  const end = Date.now() + timeoutMs;
  for (;;) {
    const phases = await Promise.all(
      (await readdir(dir)).map(
        async (f) => (JSON.parse(await readFile(join(dir, f), 'utf8')) as { phase: string }).phase,
      ),
    );
    const count = (msg: string) => d.logs().split(`"msg":"${msg}"`).length;
    const idle =
      !quiet ||
      ((await readdir(join(d.stateDir, 'outbox'))).length === 0 &&
        count('pool refill started') === count('pool refilled') + count('pool refill failed') - 1);
    if ((phases.every((p) => p === 'ready') && idle) || Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const neutronCalls = (d: Daemon) =>
  d
    .logs()
    .split('\n')
    .filter((l) => l.includes('"msg":"http"') && l.includes(':9696')).length;

/**
 * The local plumbing alone: the osnet-ovs executable's ADD and DEL on br-int with the same delegate config
 * the thin plugin writes (no Neutron port: nothing binds it), beside its own VERSION start.
 */
async function plumbing(n: number): Promise<void> {
  const ovs = join(bin, 'osnet-ovs');
  const ovsConf = {
    cniVersion: '1.1.0',
    name: 'osnet-bench',
    type: 'osnet-ovs',
    bridge: 'br-int',
    socket_file: DB,
    mtu: 1442,
    tx_offload: false,
    args: { cni: { mac: 'fa:16:3e:00:be:01' } },
    ipam: {
      type: 'static',
      addresses: [{ address: '10.250.0.5/24', gateway: '10.250.0.1' }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.250.0.1' }],
      dns: {},
    },
  };
  const starts: number[] = [];
  const adds: number[] = [];
  const dels: number[] = [];
  for (let i = 0; i < n; i++) {
    const call = pod(`p${i}`);
    for (const [verb, into] of [
      ['VERSION', starts],
      ['ADD', adds],
      ['DEL', dels],
    ] as const) {
      const t = performance.now();
      const r = await runCni(ovs, { ...call, command: verb }, ovsConf);
      if (r.code !== 0) throw new Error(`osnet-ovs ${verb}: ${r.stdout}${r.stderr}`);
      into.push(performance.now() - t);
    }
    unpod(`p${i}`);
  }
  row('start: osnet-ovs VERSION', starts);
  row('plumbing: osnet-ovs ADD (its own process)', adds);
  row('plumbing: osnet-ovs DEL (its own process)', dels);
}

try {
  await plumbing(N);
  const cold = await startDaemon({ env: { OSNET_LOG_LEVEL: 'debug' } });
  daemons.push(cold);
  await addDel(cold, 'cold', 'cold', N);

  const warm = await startDaemon({
    args: [
      '--pool',
      '--pool-min',
      String(N + 1),
      '--pool-batch',
      String(N + 1),
      '--pool-max',
      String(2 * N + 2),
    ],
  });
  daemons.push(warm);
  // the first ADD forms the pool; the measured ones take from it once it is filled
  const prime = pod('prime');
  await timed(prime, warm, 'ADD');
  await warm.waitLog(/"msg":"pool refilled"/, 180_000);
  await addDel(warm, 'warm pool', 'warm', N);
  await addDel(warm, 'warm pool, Neutron idle', 'quiet', N, true);
  const tracedPod = pod('traced');
  await traced(tracedPod, warm, 'ADD');
  await traced(tracedPod, warm, 'DEL');
  unpod('traced');
  await timed(prime, warm, 'DEL');
  unpod('prime');

  // C concurrent ADDs on the cold daemon, then their DELs
  const before = neutronCalls(cold);
  const calls = Array.from({ length: C }, (_, i) => pod(`c${i}`));
  const t = performance.now();
  const outcomes = await Promise.allSettled(calls.map((c) => timed(c, cold, 'ADD')));
  const wall = performance.now() - t;
  const failures = outcomes.filter((o) => o.status === 'rejected');
  const calledAdd = neutronCalls(cold) - before;
  await settled(cold);
  const calledAll = neutronCalls(cold) - before;
  await Promise.allSettled(calls.map((c) => timed(c, cold, 'DEL')));
  for (let i = 0; i < C; i++) unpod(`c${i}`);
  const ok = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));

  console.log('| what | n | p50 ms | p95 ms |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  row(`ADD, ${C} concurrent (each)`, ok);
  console.log(rows.at(-1));
  console.log();
  console.log(
    '| concurrent ADDs | wall s | failures | Neutron calls until the last answer | per ADD | with the tags after | per ADD |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${C} | ${(wall / 1000).toFixed(2)} | ${failures.length} | ${calledAdd} | ${(calledAdd / C).toFixed(2)} | ${calledAll} | ${(calledAll / C).toFixed(2)} |`,
  );
  console.log();
  console.log('| processes started by | n | programs |');
  console.log('| --- | --- | --- |');
  for (const r of execRows) console.log(r);
  for (const f of failures.slice(0, 3)) console.log(`failure: ${(f as PromiseRejectedResult).reason}`);
} finally {
  for (const name of [...made]) unpod(name);
  for (const d of daemons) {
    await d.stop();
    await d.remove();
  }
  await network.remove();
  await rm(cache, { recursive: true, force: true });
  await removeBuiltPlugins();
}
