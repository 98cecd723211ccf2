/**
 * Whole-process timing for bench/guest.ts: each render is a new process, as udev and cloud-init's boot
 * stages run them, so start-up is counted. The commands take turns run by run (A B C A B C ...), so a
 * machine that slows down mid-way slows all of them alike. Wall time is measured around the spawn here;
 * peak RSS and CPU time come from /usr/bin/time when it is installed (GNU time, `%M` in KiB).
 *
 * @example
 *   const rows = runInTurn([{ name: 'node', argv: () => [process.execPath, '-e', '0'] }], 11, 1);
 *   rows.node.wallMs; // one figure per counted run
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Contender {
  name: string;
  /** The command of run `i` (a run may need its own output directory). */
  argv: (i: number) => string[];
}

export interface Runs {
  wallMs: number[];
  cpuMs: number[];
  peakMiB: number[];
  /** The first failure's exit status and stderr line (the figures of a failing command mean nothing). */
  failed?: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs each contender `warmup + n` times in turn and keeps the last n runs' figures. */
export function runInTurn(contenders: Contender[], n: number, warmup: number): Record<string, Runs> {
  const out: Record<string, Runs> = {};
  for (const c of contenders) out[c.name] = { wallMs: [], cpuMs: [], peakMiB: [] };
  const timed = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), 'osg-bench-proc-'));
  const report = join(dir, 'time');
  try {
    for (let i = 0; i < warmup + n; i++) {
      for (const c of contenders) {
        const runs = out[c.name]!;
        if (runs.failed) continue;
        const argv = timed ? [GNU_TIME, '-o', report, '-f', '%U %S %M', ...c.argv(i)] : c.argv(i);
        const t0 = performance.now();
        const r = spawnSync(argv[0]!, argv.slice(1), {
          stdio: ['ignore', 'ignore', 'pipe'],
          encoding: 'utf8',
        });
        const wall = performance.now() - t0;
        if (r.status !== 0) {
          runs.failed = `exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').pop() ?? ''}`.slice(
            0,
            100,
          );
          continue;
        }
        if (i < warmup) continue;
        runs.wallMs.push(wall);
        if (timed) {
          // GNU time may print "Command exited ..." first; the format's line is the last.
          const [user, sys, kib] = readFileSync(report, 'utf8')
            .trim()
            .split('\n')
            .pop()!
            .split(' ')
            .map(Number);
          runs.cpuMs.push((user! + sys!) * 1000);
          runs.peakMiB.push(kib! / 1024);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `min / median / max` of the figures, or n/a. */
export function spread(xs: number[], digits = 0): string {
  if (xs.length === 0) return 'n/a';
  const f = (v: number) => v.toFixed(digits);
  return `${f(Math.min(...xs))} / ${f(median(xs))} / ${f(Math.max(...xs))}`;
}

/** Median of the run-by-run ratios theirs/ours (run i of one against run i of the other). */
export function pairedRatio(ours: number[], theirs: number[]): string {
  const k = Math.min(ours.length, theirs.length);
  if (k === 0) return 'n/a';
  return `${median(Array.from({ length: k }, (_, i) => theirs[i]! / ours[i]!)).toFixed(1)}x`;
}
