/**
 * One holder at a time of a lock file: the guest's `event` runs (from udev) and its `watch` service may
 * sync the same root at once; a CNI daemon serialises work per container the same way. The file holds the
 * owner's pid, so a lock left by a dead process is taken over.
 *
 * @example
 *   await withLock('/run/osnet-guest.lock', () => syncOnce(opts));
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OsnetError } from '../lib/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function acquire(file: string, timeoutMs: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new OsnetError('OSNET_ERR_IO', `another process (pid ${owner}) holds ${file}`, {
        field: 'lock',
      });
    }
    await sleep(100);
  }
}

/** Runs `fn` holding the lock file; waits up to `timeoutMs` for another holder. */
export async function withLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
  await acquire(file, timeoutMs);
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
