/**
 * Test support for the real lab (scripts/lab): where its clouds.yaml is, a clear failure when it is not up,
 * and stopping/starting its services for fault tests. Tests only; nothing in a deployable imports this.
 *
 * @example
 *   const cloud = await labCloud('lab-demo');
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Cloud, type OpenCloudOptions, openCloud } from '../../openstack/client/cloud.ts';

const run = promisify(execFile);

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const LAB_DIR = process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab';
export const LAB_CLOUDS = join(LAB_DIR, 'clouds.yaml');

export type LabCloudName = 'lab-admin' | 'lab-demo' | 'lab-demo2' | 'lab-appcred' | 'lab-cni';

/** Points OS_CLIENT_CONFIG_FILE at the lab's clouds.yaml; throws a clear error when the lab was never brought up. */
export function useLabConfig(): void {
  if (!existsSync(LAB_CLOUDS)) {
    throw new Error(`the lab is not up: ${LAB_CLOUDS} is missing. Run: bash scripts/lab/up`);
  }
  process.env.OS_CLIENT_CONFIG_FILE ??= LAB_CLOUDS;
}

/** An authenticated Cloud for one of the lab's clouds (fails clearly when the lab is down). */
export async function labCloud(name: LabCloudName, opts: OpenCloudOptions = {}): Promise<Cloud> {
  useLabConfig();
  const cloud = await openCloud({ cloud: name, ...opts });
  try {
    await cloud.token();
  } catch (e) {
    await cloud.close();
    throw new Error(
      `the lab does not answer as ${name} (${(e as Error).message}). Check: bash scripts/lab/status`,
    );
  }
  return cloud;
}

/** A short unique name for test resources: t-<tag>-<random>. */
export function testName(tag: string): string {
  return `t-${tag}-${Math.random().toString(36).slice(2, 8)}`;
}

function pidOf(service: string): number | undefined {
  try {
    const n = Number(readFileSync(join(LAB_DIR, 'run', `${service}.pid`), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops one lab service (SIGTERM by its PID file) and waits until its port is closed. */
export async function stopLabService(service: 'keystone' | 'neutron-server', port: number): Promise<void> {
  const pid = pidOf(service);
  if (pid === undefined || !alive(pid)) throw new Error(`lab service ${service} is not running`);
  process.kill(pid, 'SIGTERM');
  await until(`${service} (pid ${pid}) to exit`, 30_000, () => !alive(pid));
  await until(`port ${port} to close`, 10_000, async () => !(await portOpen(port)));
}

/** Brings every stopped lab service back (scripts/lab/up is idempotent). */
export async function startLab(): Promise<void> {
  try {
    await run('bash', [join(REPO_ROOT, 'scripts', 'lab', 'up')], { cwd: REPO_ROOT, timeout: 180_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `scripts/lab/up failed: ${(err.stderr ?? err.message).trim().split('\n').slice(-8).join('\n')}`,
    );
  }
}
