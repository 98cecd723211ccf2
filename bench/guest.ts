/**
 * osnet-guest against cloud-init on the fixture corpus: per sample, the time to go from network_data.json
 * to configuration files (parse, name NICs, render, write to a temp dir) for netplan and ifupdown/ENI, the
 * same for Debian's cloud-init (the tests' oracle, src/testing/guest/cloudinit/cloudinit-oracle.py --bench:
 * convert_net_json, network_state, renderer, in one warm python process),
 * their ratio, and osnet-guest's render+apply with the `ip` format into a network namespace.
 * Then whole processes, start-up included (each use of osnet-guest is a process: udev runs one per NIC
 * event): per sample, `osnet-guest render --format netplan` (the bundle, and the single executable when
 * built) beside cloud-init's own converter as a process (`python3 -m cloudinit.cmd.devel.net_convert`,
 * what `cloud-init devel net-convert` runs, to netplan) and beside a bare `node -e 0`, in turn run by run:
 * wall and CPU ms as min / median / max, peak RSS, and the medians of the run-by-run ratios.
 * Prints figures only; nothing passes or fails. Build first (`node scripts/build.ts`, and
 * `node scripts/build-guest-sea.ts` for the single executable).
 *
 * Run: `node bench/guest.ts [--iterations N] [--process-runs N] [--bin DIR] [--only NAME,...] [--no-apply]
 *       [--no-cloud-init] [--no-process]`
 *
 * @example
 *   node bench/guest.ts --iterations 50
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { applyConfig } from '../src/guest/apply/index.ts';
import { RENDERERS } from '../src/guest/formats/index.ts';
import { parse } from '../src/guest/model/parse.ts';
import { resolveNames } from '../src/guest/model/resolve-names.ts';
import type { NetworkConfig } from '../src/guest/model/types.ts';
import { ORACLE } from '../src/testing/guest/cloudinit/cloudinit.ts';
import { loadFixtures } from '../src/testing/guest/fixtures.ts';
import { type Contender, median, pairedRatio, type Runs, runInTurn, spread } from './whole-process.ts';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '30' },
    'process-runs': { type: 'string', default: '11' },
    bin: { type: 'string' },
    only: { type: 'string' },
    'no-apply': { type: 'boolean', default: false },
    'no-cloud-init': { type: 'boolean', default: false },
    'no-process': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node bench/guest.ts [--iterations N=30] [--process-runs N=11] [--bin DIR=dist/bin] [--only NAME,...] [--no-apply] [--no-cloud-init] [--no-process]',
  );
  process.exit(0);
}
const N = Number(args.iterations);
if (!Number.isInteger(N) || N < 1) {
  console.error(`--iterations must be a positive integer, got ${args.iterations}`);
  process.exit(64);
}
const WARMUP = Math.min(5, N);
const RUNS = Number(args['process-runs']);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--process-runs must be a positive integer, got ${args['process-runs']}`);
  process.exit(64);
}
/** `--only a,b`: these samples only. */
const only = args.only ? new Set(args.only.split(',')) : undefined;
/** `--bin DIR`: time the executables of another build (e.g. an older checkout's dist/bin). */
const BIN = args.bin ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin');

interface Sample {
  name: string;
  path: string;
  raw: unknown;
  cfg: NetworkConfig;
  /** MAC → NIC name, the same for both sides. */
  macs: Map<string, string>;
}

function loadSamples(): { samples: Sample[]; skipped: string[] } {
  const samples: Sample[] = [];
  const skipped: string[] = [];
  for (const f of loadFixtures()) {
    if (f.invalid || (only && !only.has(f.name))) continue;
    try {
      const cfg = parse(f.raw);
      const macs = new Map<string, string>();
      for (const l of cfg.links) if (l.kind === 'physical') macs.set(l.mac, `osg-b${macs.size}`);
      samples.push({ name: f.name, path: f.path, raw: f.raw, cfg, macs });
    } catch (err) {
      skipped.push(`${f.name} (${(err as Error).message})`);
    }
  }
  return { samples, skipped };
}

async function timeOurs(s: Sample, format: 'netplan' | 'ifupdown'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'osg-bench-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < WARMUP + N; i++) {
      const t0 = performance.now();
      const files = RENDERERS[format](resolveNames(parse(s.raw), s.macs));
      for (const f of files) {
        const target = join(dir, f.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, f.content, { mode: f.mode ?? 0o644 });
      }
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return median(times);
}

/** render+apply with the ip format into a namespace with one veth per NIC; undefined when not possible. */
async function timeApply(s: Sample): Promise<number | undefined> {
  // This kernel cannot create bonds or VLANs, so only samples made of plain NICs are applied.
  if (s.cfg.links.some((l) => l.kind !== 'physical') || s.cfg.links.length === 0) return undefined;
  const ns = `osg-bench-${process.pid}`;
  const ip = (a: string[]) => execFileSync('ip', a, { stdio: ['ignore', 'ignore', 'pipe'] });
  const root = mkdtempSync(join(tmpdir(), 'osg-bench-root-'));
  const times: number[] = [];
  try {
    ip(['netns', 'add', ns]);
    for (const [mac, name] of s.macs) {
      ip(['-n', ns, 'link', 'add', name, 'address', mac, 'type', 'veth', 'peer', 'name', `${name}p`]);
      ip(['-n', ns, 'link', 'set', `${name}p`, 'up']);
    }
    for (let i = 0; i < WARMUP + N; i++) {
      // Start each round from bare NICs, so every round really applies everything.
      for (const name of s.macs.values()) {
        ip(['-n', ns, 'link', 'set', name, 'down']);
        ip(['-n', ns, 'addr', 'flush', 'dev', name]);
      }
      rmSync(join(root, 'var'), { recursive: true, force: true });
      const t0 = performance.now();
      await applyConfig(resolveNames(parse(s.raw), s.macs), { format: 'ip', root, netns: ns });
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(root, { recursive: true, force: true });
  }
  return median(times);
}

function timeCloudInit(samples: Sample[]): Record<string, Record<string, number | string>> {
  const jobs = samples.map((s) => ({
    name: s.name,
    path: s.path,
    macs: Object.fromEntries(s.macs),
    n: N,
    warmup: WARMUP,
  }));
  const r = spawnSync('/usr/bin/python3', [ORACLE, '--bench'], {
    input: JSON.stringify(jobs),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cloud-init bench failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout);
}

const { samples, skipped } = loadSamples();
const ci = args['no-cloud-init'] ? {} : timeCloudInit(samples);
const fmt = (v: number | string | undefined) =>
  v === undefined ? 'n/a' : typeof v === 'number' ? v.toFixed(2) : v;
const ratio = (ours: number, theirs: number | string | undefined) =>
  typeof theirs === 'number' ? `${(theirs / ours).toFixed(1)}x` : 'n/a';

console.log(
  `osnet-guest vs cloud-init ${ci ? '22.4.2 (Debian)' : ''}: median ms over ${N} runs after ${WARMUP} warm-up runs`,
);
console.log('ratio = cloud-init time / osnet-guest time (above 1x: osnet-guest is faster)\n');
console.log(
  '| sample | netplan ours | netplan cloud-init | ratio | ifupdown ours | ENI cloud-init | ratio | render+apply ip (netns) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const sums = { ours: 0, theirs: 0 };
for (const s of samples) {
  const np = await timeOurs(s, 'netplan');
  const ifu = await timeOurs(s, 'ifupdown');
  let applied: number | string | undefined;
  try {
    applied = args['no-apply'] ? undefined : await timeApply(s);
  } catch (err) {
    applied = `failed: ${(err as Error).message.slice(0, 80)}`;
  }
  const c = ci[s.name] ?? {};
  if (typeof c.netplan === 'number') {
    sums.ours += np;
    sums.theirs += c.netplan;
  }
  console.log(
    `| ${s.name} | ${fmt(np)} | ${fmt(c.netplan)} | ${ratio(np, c.netplan)} | ${fmt(ifu)} | ${fmt(c.ifupdown)} | ${ratio(ifu, c.ifupdown)} | ${fmt(applied)} |`,
  );
}
if (sums.ours > 0)
  console.log(`\nnetplan, samples both accept: ${(sums.theirs / sums.ours).toFixed(1)}x overall`);
if (skipped.length > 0)
  console.log(`\nnot benchmarked (osnet-guest rejects them):\n  ${skipped.join('\n  ')}`);

/** osnet-guest (bundle, single executable), cloud-init and bare node as whole processes, per sample. */
function wholeProcess(samples: Sample[]): void {
  const bundle = join(BIN, 'osnet-guest');
  const sea = join(BIN, 'osnet-guest-sea');
  if (!existsSync(bundle)) {
    console.log(`\nwhole process: n/a (${bundle} missing: run node scripts/build.ts)`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'osg-bench-proc-'));
  try {
    const ours = (s: Sample, exe: string[], tag: string) => (i: number) => [
      ...exe,
      'render',
      ...['--input', s.path, '--format', 'netplan', '--root', join(out, `${s.name}-${tag}-${i}`)],
      ...['--mac-map', [...s.macs].map(([mac, name]) => `${name}=${mac}`).join(',')],
    ];
    const cloudInit = (s: Sample) => (i: number) => [
      '/usr/bin/python3',
      ...['-m', 'cloudinit.cmd.devel.net_convert', '-p', s.path, '-k', 'network_data.json'],
      ...['-d', join(out, `${s.name}-ci-${i}`), '-D', 'debian', '-O', 'netplan'],
      ...[...s.macs].flatMap(([mac, name]) => ['-m', `${name},${mac}`]),
    ];
    const hasSea = existsSync(sea);
    // Timed as `install` puts it (a copied file): run where postject wrote it, the same bytes showed about
    // 18 MiB more peak RSS here, an effect of how that file sits in the page cache, not of the program.
    const installed = join(out, 'osnet-guest-sea');
    if (hasSea) {
      copyFileSync(sea, installed);
      chmodSync(installed, 0o755);
    }
    console.log(
      `\nwhole process, render to netplan: ${RUNS} runs of each in turn after 1 warm-up; ms as min / median / max; ` +
        `peak RSS median MiB; ratio = cloud-init / osnet-guest, the median of the run-by-run ratios of wall / of CPU time`,
    );
    const cols = ['osnet-guest wall', 'cpu', 'MiB'];
    if (hasSea) cols.push('single executable wall', 'cpu', 'MiB');
    if (!args['no-cloud-init']) cols.push('cloud-init wall', 'cpu', 'MiB', 'ratio');
    if (hasSea && !args['no-cloud-init']) cols.push('ratio (single executable)');
    cols.push('node -e 0 wall', 'cpu', 'MiB');
    console.log(`| sample | ${cols.join(' | ')} |`);
    console.log(`| --- | ${cols.map(() => '---').join(' | ')} |`);
    const fig = (r: Runs | undefined) =>
      r?.failed
        ? [r.failed, '', '']
        : [
            spread(r?.wallMs ?? []),
            spread(r?.cpuMs ?? []),
            r?.peakMiB.length ? median(r.peakMiB).toFixed(1) : 'n/a',
          ];
    const ratios = (a: Runs, b: Runs) =>
      `${pairedRatio(a.wallMs, b.wallMs)} / ${pairedRatio(a.cpuMs, b.cpuMs)}`;
    for (const s of samples) {
      const contenders: Contender[] = [{ name: 'ours', argv: ours(s, [process.execPath, bundle], 'js') }];
      if (hasSea) contenders.push({ name: 'sea', argv: ours(s, [installed], 'sea') });
      if (!args['no-cloud-init']) contenders.push({ name: 'ci', argv: cloudInit(s) });
      contenders.push({ name: 'node', argv: () => [process.execPath, '-e', '0'] });
      const r = runInTurn(contenders, RUNS, 1);
      const cells = [...fig(r.ours)];
      if (hasSea) cells.push(...fig(r.sea));
      if (!args['no-cloud-init']) cells.push(...fig(r.ci), ratios(r.ours!, r.ci!));
      if (hasSea && !args['no-cloud-init']) cells.push(ratios(r.sea!, r.ci!));
      cells.push(...fig(r.node));
      console.log(`| ${s.name} | ${cells.join(' | ')} |`);
    }
    udevEvents(samples, out, bundle, hasSea ? installed : undefined, fig);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * What the udev rule runs per NIC: `event add NIC` for the sample's first NIC, into an empty root each run
 * (a first apply: every file written), `--no-reconfigure` and `--wait 0` so the host is not touched and
 * nothing waits; it still reads the NIC with `ip` and logs, as on a guest. No cloud-init counterpart.
 */
function udevEvents(
  samples: Sample[],
  out: string,
  bundle: string,
  sea: string | undefined,
  fig: (r: Runs | undefined) => string[],
): void {
  const event = (s: Sample, exe: string[], tag: string) => (i: number) => [
    ...exe,
    ...['event', 'add', [...s.macs.values()][0] ?? 'eth0'],
    ...['--source', 'file', '--input', s.path, '--format', 'netplan'],
    ...['--root', join(out, `${s.name}-ev-${tag}-${i}`), '--no-reconfigure', '--wait', '0'],
    ...['--mac-map', [...s.macs].map(([mac, name]) => `${name}=${mac}`).join(',')],
  ];
  console.log(
    `\nwhole process, \`event add\` (the udev rule's command; netplan, --no-reconfigure): ${RUNS} runs of each ` +
      'in turn after 1 warm-up; ms as min / median / max; peak RSS median MiB',
  );
  const cols = ['osnet-guest wall', 'cpu', 'MiB'];
  if (sea) cols.push('single executable wall', 'cpu', 'MiB');
  cols.push('node -e 0 wall', 'cpu', 'MiB');
  console.log(`| sample | ${cols.join(' | ')} |`);
  console.log(`| --- | ${cols.map(() => '---').join(' | ')} |`);
  for (const s of samples) {
    const contenders: Contender[] = [{ name: 'ours', argv: event(s, [process.execPath, bundle], 'js') }];
    if (sea) contenders.push({ name: 'sea', argv: event(s, [sea], 'sea') });
    contenders.push({ name: 'node', argv: () => [process.execPath, '-e', '0'] });
    const r = runInTurn(contenders, RUNS, 1);
    const cells = [...fig(r.ours)];
    if (sea) cells.push(...fig(r.sea));
    cells.push(...fig(r.node));
    console.log(`| ${s.name} | ${cells.join(' | ')} |`);
  }
}

if (!args['no-process']) wholeProcess(samples);
