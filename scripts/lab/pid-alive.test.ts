// pid_alive (scripts/lab/lib.sh) on PID files in a scratch lab directory, with real processes: a PID file
// left by a daemon that died names a PID the kernel hands out again, and `up` then took the unrelated
// process holding it for the daemon and never started it (seen: nova-api and cinder-api stayed down).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LIB = join(import.meta.dirname, 'lib.sh');

/** pid_alive <name> in a shell that sourced lib.sh with $LAB = dir. */
async function pidAlive(dir: string, name: string): Promise<boolean> {
  try {
    await run('bash', ['-c', `. "$1"; pid_alive "$2"`, '_', LIB, name], {
      env: { ...process.env, OSNET_LAB_DIR: dir },
    });
    return true;
  } catch (e) {
    if ((e as { code?: unknown }).code === 1) return false;
    throw e;
  }
}

describe('lab pid_alive', () => {
  let dir = '';
  let sleeper: ReturnType<typeof spawn> | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osnet-pid-alive-'));
    await mkdir(join(dir, 'run'));
    sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    await new Promise((r) => sleeper?.once('spawn', r));
  });
  after(async () => {
    sleeper?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('a PID file written after its process started names a live daemon', async () => {
    await writeFile(join(dir, 'run', 'svc.pid'), `${sleeper?.pid}\n`);
    assert.equal(await pidAlive(dir, 'svc'), true);
  });

  it('a PID file older than the process now holding its PID is stale', async () => {
    await writeFile(join(dir, 'run', 'old.pid'), `${sleeper?.pid}\n`);
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(join(dir, 'run', 'old.pid'), hourAgo, hourAgo);
    assert.equal(await pidAlive(dir, 'old'), false);
  });

  it('a PID of no process, and a missing or empty file, are not alive', async () => {
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await writeFile(join(dir, 'run', 'gone.pid'), `${gone.pid}\n`);
    assert.equal(await pidAlive(dir, 'gone'), false);
    await writeFile(join(dir, 'run', 'empty.pid'), '');
    assert.equal(await pidAlive(dir, 'empty'), false);
    assert.equal(await pidAlive(dir, 'missing'), false);
  });
});
