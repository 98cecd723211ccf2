// The compute extension's scripts against the running lab: compute-status, a no-op `up --compute`, loopback
// only. Skipped when the extension is off (see computeLabEnabled); fails when it should be up and is not.
// compute-down is not tested here (other tests need the extension; its figures are measured by hand, docs/lab.md).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { COMPUTE_SKIP } from '../../src/testing/openstack/compute-lab.ts';

const run = promisify(execFile);
const HERE = import.meta.dirname;
const LAB = process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab';
const DAEMONS = [
  'epmd',
  'rabbitmq',
  'placement',
  'nova-api',
  'nova-conductor',
  'nova-scheduler',
  'nova-compute',
  'glance-api',
  'cinder-api',
  'cinder-scheduler',
  'cinder-volume',
  'cinder-backup',
];

async function pids(): Promise<Record<string, string>> {
  const dir = join(LAB, 'run');
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.pid')).sort()) {
    out[f] = (await readFile(join(dir, f), 'utf8')).trim();
  }
  return out;
}

test('compute-status lists every daemon alive, the four APIs answering and the share mounted', {
  skip: COMPUTE_SKIP,
}, async () => {
  const { stdout } = await run('bash', [join(HERE, 'compute-status')], { timeout: 60_000 });
  for (const name of DAEMONS) {
    assert.match(
      stdout,
      new RegExp(`^${name}\\s+\\d+\\s+yes\\s+(?!NOT)`, 'm'),
      `${name} not alive in:\n${stdout}`,
    );
  }
  assert.match(stdout, /^nova-api\s+HTTP 200/m);
  assert.match(stdout, /^placement-api\s+HTTP 200/m);
  assert.match(stdout, /^glance-api\s+HTTP 300/m);
  assert.match(stdout, /^cinder-api\s+HTTP 300/m);
  assert.match(stdout, /^cinder-nfs\s+mounted/m);
});

test('up --compute a second time is a no-op: nothing restarted, same PIDs', {
  skip: COMPUTE_SKIP,
}, async (t) => {
  const before = await pids();
  const t0 = performance.now();
  const { stderr } = await run('bash', [join(HERE, 'up'), '--compute'], { timeout: 300_000 });
  assert.match(stderr, /compute: already up, nothing started/);
  assert.deepEqual(await pids(), before);
  t.diagnostic(`no-op up --compute took ${((performance.now() - t0) / 1000).toFixed(2)} s`);
});

test('every port of the extension listens on loopback only', { skip: COMPUTE_SKIP }, async () => {
  const { stdout } = await run('ss', ['-Hltn'], { timeout: 10_000 });
  for (const port of [4369, 5672, 25672, 8774, 8776, 8778, 9292]) {
    const locals = stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[3] ?? '')
      .filter((a) => a.endsWith(`:${port}`));
    assert.ok(locals.length > 0, `nothing listens on ${port}`);
    for (const a of locals) assert.match(a, /^(127\.0\.0\.1|\[::1\]):\d+$/, `port ${port} on ${a}`);
  }
});
