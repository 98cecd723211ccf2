import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OsnetError } from '../lib/errors.ts';
import { withLock } from './lock.ts';

test('syncs under the lock never overlap', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-lock-'));
  try {
    const file = join(dir, 'run', 'x.lock');
    const trace: string[] = [];
    const job = (name: string) =>
      withLock(file, async () => {
        trace.push(`${name} start`);
        assert.equal((await readFile(file, 'utf8')).trim(), String(process.pid));
        await sleep(150);
        trace.push(`${name} end`);
      });
    await Promise.all([job('a'), job('b')]);
    // either may win the first take (both race for it); what matters is that one ends before the other starts
    const first = trace[0]?.split(' ')[0];
    const second = first === 'a' ? 'b' : 'a';
    assert.deepEqual(trace, [`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process is taken over; a live holder makes a bounded wait fail', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-lock-'));
  try {
    const file = join(dir, 'lock');
    const dead = spawnSync('true').pid!; // a pid that has exited
    await writeFile(file, `${dead}\n`);
    assert.equal(await withLock(file, async () => 'ran'), 'ran');
    await writeFile(file, `${process.pid}\n`);
    await assert.rejects(
      withLock(file, async () => 'never', 300),
      (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_IO',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
