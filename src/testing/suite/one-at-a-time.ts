/**
 * Preloaded (`--import`) into every test file's process by scripts/test, which runs two files at once: the
 * real-VM scenarios (src/testing/guest/vm/real-vm.spec.ts: minutes of emulated CPU, no lab) beside the rest,
 * while every other file still runs alone. They must: fault tests stop and restart lab services, and the CNI
 * daemons of different files reconcile and garbage-collect the ports of this one node. So each file other
 * than the VM scenarios holds one exclusive lock for its whole life; the kernel drops it when the process
 * ends, however it ends.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'osnet-test-suite.lock');
const ALONGSIDE = /[\\/]src[\\/]testing[\\/]guest[\\/]vm[\\/]real-vm\.spec\.ts$/;

async function holdLock(): Promise<void> {
  // flock(1) takes the lock, says so, then waits on our pipe: when this process exits the pipe closes,
  // cat returns and the lock is released
  const child = spawn('flock', ['--exclusive', LOCK, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`flock ${LOCK} exited ${code} before locking`)));
    child.stdout.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  child.unref();
  for (const s of [child.stdin, child.stdout]) (s as unknown as { unref?: () => void }).unref?.();
}

// only the runner's children (one per file) take part; the runner itself and plain `node` runs do not
if (process.env.NODE_TEST_CONTEXT && !ALONGSIDE.test(process.argv[1] ?? '')) await holdLock();
