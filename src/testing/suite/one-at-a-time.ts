/**
 * Preloaded (`--import`) into every test file's process by scripts/test, which runs three files at once.
 * Files that use the lab, OVS or the node's CNI state still run one at a time: fault tests stop and restart
 * lab services, and the CNI daemons of different files reconcile and garbage-collect the ports of this one
 * node. So each of them holds one exclusive lock for the whole run of its tests; the kernel drops it when
 * the process ends, however it ends.
 *
 * The lock is taken in a root `before` hook: the file's modules load (a second or more per file on this
 * machine) while another file holds the lock, and only its tests wait. The wait shows in the duration of
 * the file's first test or suite, not in its timeouts.
 *
 * Files BESIDE need neither the lab nor anything shared and run beside the rest without the lock: the
 * real-VM scenarios (minutes of emulated CPU), and the guest agent's tests, which work in throwaway network
 * and mount namespaces named after their pid and in temp dirs.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { before } from 'node:test';

const LOCK = join(tmpdir(), 'osnet-test-suite.lock');
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BESIDE = [/^src\/testing\/guest\//, /^src\/guest\//, /^bench\/guest\.test\.ts$/];

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

const file = relative(ROOT, process.argv[1] ?? '').replaceAll('\\', '/');
// only the runner's children (one per file) take part; the runner itself and plain `node` runs do not
if (process.env.NODE_TEST_CONTEXT && !BESIDE.some((re) => re.test(file))) before(holdLock);
