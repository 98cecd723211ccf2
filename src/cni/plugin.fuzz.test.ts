/**
 * The built openstack-port-cni fed thousands of malformed invocations on stdin (mutated configs, broken
 * JSON text, raw bytes, odd environments): every one must end with exactly one CNI error JSON on stdout,
 * a non-zero exit and nothing on stderr (no stack trace, no crash). No daemon and no delegate exist
 * (socket_path points at nothing, CNI_PATH at an empty directory), so no input can succeed.
 * 300 cases by default: each is a process spawn (~0.15 s of CPU), and fuzz.test.ts already runs the same
 * generators in-process by the thousand. OSNET_FUZZ_BIN_CASES (or OSNET_FUZZ_CASES) and OSNET_FUZZ_SEED
 * explore further.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtPlugins, removeBuiltPlugins } from '../testing/cni/binaries.ts';
import {
  BASE,
  ENV,
  mutate,
  mutateEnv,
  mutateText,
  pick,
  type Rand,
  rng,
} from '../testing/cni/fuzz-inputs.ts';
import { runCni } from '../testing/cni/run.ts';
import { SUPPORTED_VERSIONS } from './versions.ts';

const SEED = Number(process.env.OSNET_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.OSNET_FUZZ_BIN_CASES ?? process.env.OSNET_FUZZ_CASES ?? 300);
const PARALLEL = 4;

interface Case {
  env: Record<string, string | undefined>;
  stdin: string | Uint8Array;
}

function randomBytes(r: Rand): Uint8Array {
  return Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
}

describe(`openstack-port-cni binary fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  let bin: string;
  let dir: string;

  before(async () => {
    bin = join(await builtPlugins(), 'openstack-port-cni');
    dir = await mkdtemp(join(tmpdir(), 'osnet-cni-fuzz-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await removeBuiltPlugins();
  });

  function makeCase(r: Rand): Case {
    const env: Record<string, string | undefined> = { ...(r() < 0.3 ? mutateEnv(r) : ENV) };
    env.CNI_COMMAND = r() < 0.05 ? pick(r, ['', 'add', 'VERSIONS', 'x'.repeat(300)]) : env.CNI_COMMAND;
    if (env.CNI_COMMAND === 'VERSION') env.CNI_COMMAND = 'ADD';
    if (env.CNI_COMMAND === 'ADD' || r() < 0.7)
      env.CNI_COMMAND = pick(r, ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS']);
    // an environment cannot carry NUL (execve): no runtime can send one
    for (const [k, v] of Object.entries(env)) if (v?.includes('\0')) delete env[k];
    env.CNI_PATH = join(dir, 'empty');
    env.OSNET_CNI_CACHE_DIR = join(dir, 'cache');
    const kind = r();
    const doc = mutate(r, structuredClone(BASE) as Record<string, unknown>);
    // no input may reach a daemon, the default socket included
    if (typeof doc.socket_path === 'string' || doc.socket_path === undefined)
      doc.socket_path = join(dir, 'absent.sock');
    if (kind < 0.6) return { env, stdin: JSON.stringify(doc) };
    if (kind < 0.9) return { env, stdin: mutateText(r, JSON.stringify(doc)) };
    return { env, stdin: randomBytes(r) };
  }

  it('every malformed input gets one CNI error JSON on stdout and a non-zero exit, never a crash', async () => {
    const r = rng(SEED);
    const cases = Array.from({ length: CASES }, () => makeCase(r));
    const failures: string[] = [];
    const codes = new Map<number, number>();
    let next = 0;
    async function worker(): Promise<void> {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(c.env)) if (v !== undefined) env[k] = v;
        const out = await runCni(bin, { command: env.CNI_COMMAND ?? '', env }, c.stdin);
        const where = `case ${i} ${JSON.stringify(c.env.CNI_COMMAND)} ${JSON.stringify(String(c.stdin).slice(0, 160))}`;
        const j = out.json;
        const lines = out.stdout.split('\n').filter((l) => l !== '');
        const ok =
          out.code !== null &&
          out.code !== 0 &&
          out.stderr === '' &&
          lines.length === 1 &&
          j !== undefined &&
          typeof j.cniVersion === 'string' &&
          SUPPORTED_VERSIONS.includes(j.cniVersion as never) &&
          Number.isInteger(j.code) &&
          (j.code as number) >= 1 &&
          typeof j.msg === 'string' &&
          j.msg !== '' &&
          (j.details === undefined || typeof j.details === 'string') &&
          Object.keys(j).every((k) => ['cniVersion', 'code', 'msg', 'details'].includes(k));
        if (!ok)
          failures.push(
            `${where}: exit ${out.code}, stdout ${out.stdout.slice(0, 300)}, stderr ${out.stderr.slice(0, 300)}`,
          );
        else codes.set(j.code as number, (codes.get(j.code as number) ?? 0) + 1);
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${CASES} failed`);
    // the inputs must reach more than the first check: several distinct codes come back
    assert.ok(codes.size >= 4, `codes seen: ${JSON.stringify([...codes])}`);
  });
});
