/**
 * Test support for openstack-port-daemon (tests only): run the real daemon as a child process against the
 * lab with the least-privilege cloud `lab-cni`, talk to its socket, read its logs.
 *
 * @example
 *   const d = await startDaemon({ args: ['--pool'] });
 *   const r = await call(d.socket, '/add', { container_id, ifname: 'eth0', network_id });
 *   await d.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNative } from '../../../scripts/build-native.ts';
import { LAB_CLOUDS, REPO_ROOT } from '../openstack/lab.ts';

export const ENTRY = join(REPO_ROOT, 'src', 'cmd', 'openstack-port-daemon.ts');
/** The lab's least-privilege cloud for the daemon (scripts/lab/seed.ts). */
export const DAEMON_CLOUD = 'lab-cni';

export interface Daemon {
  dir: string;
  socket: string;
  health: string;
  stateDir: string;
  node: string;
  child: ChildProcess;
  /** Everything the daemon wrote on stdout and stderr so far. */
  logs(): string;
  /** Resolves when a log line matches. */
  waitLog(re: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  /** Removes the temp dir (after stop/kill). */
  remove(): Promise<void>;
}

export interface StartOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Reuse a dir (a restart keeps socket path and state dir). */
  dir?: string;
  /** Wait until the socket serves (default true). */
  wait?: boolean;
  /**
   * --node-name (default the hostname, the lab's chassis). A made-up node keeps a reconciling daemon away
   * from the ports other tests' daemons tagged for this host.
   */
  node?: string;
}

export async function startDaemon(o: StartOptions = {}): Promise<Daemon> {
  // the socket's peer check needs the SO_PEERCRED addon (built once, then reused)
  await buildNative();
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'osnet-daemon-')));
  const socket = join(dir, 'run', 'cni.sock');
  const health = join(dir, 'run', 'health.sock');
  const stateDir = join(dir, 'state');
  const node = o.node ?? hostname();
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      'run',
      '--socket',
      socket,
      '--listen',
      `unix:${health}`,
      '--state-dir',
      stateDir,
      '--node-name',
      node,
      '--reconcile-interval',
      '0',
      '--outbox-interval',
      '1',
      ...(o.env?.OS_AUTH_URL ? [] : ['--os-cloud', DAEMON_CLOUD]),
      ...(o.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS, OS_CLOUD: '', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const waiters: { re: RegExp; done: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) if (w.re.test(out)) w.done();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = once(child, 'exit');
  const d: Daemon = {
    dir,
    socket,
    health,
    stateDir,
    node,
    child,
    logs: () => out,
    waitLog(re, timeoutMs = 30_000) {
      if (re.test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no log line ${re} in ${timeoutMs} ms:\n${out}`)),
          timeoutMs,
        );
        const w = {
          re,
          done: () => {
            clearTimeout(t);
            waiters.splice(waiters.indexOf(w), 1);
            resolve();
          },
        };
        waiters.push(w);
        void exited.then(() => {
          if (waiters.includes(w)) {
            clearTimeout(t);
            reject(new Error(`the daemon exited (${child.exitCode}) before ${re}:\n${out}`));
          }
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return child.exitCode;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  if (o.wait !== false) await d.waitLog(/"msg":"daemon ready"/);
  return d;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** One request on the daemon socket (POST with a JSON body unless told otherwise). */
export function call<T = Record<string, unknown>>(
  socket: string,
  path: string,
  body?: unknown,
  opts: { method?: string; raw?: string | Buffer } = {},
): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const data = opts.raw ?? (body === undefined ? '' : JSON.stringify(body));
    const req = request(
      {
        socketPath: socket,
        path,
        method: opts.method ?? 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
          } catch {
            reject(new Error(`not JSON from the daemon (${res.statusCode}): ${text}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
