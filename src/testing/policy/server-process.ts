/**
 * osnet-policy-server as a process for the end-to-end tests (tests only): its own state dir, certificates
 * from `osnet policy certs`, listeners on free loopback ports, enforcement on with a Neutron tag of its own
 * (so it never touches another test's or a real server's groups).
 *
 * @example
 *   const s = await startPolicyServerProcess({ defaultProject, neutronTag: tag });
 *   await fetch(`${s.external}/networking/v1/external/policies`, ...);
 *   await s.stop();
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAB_CLOUDS, REPO_ROOT } from '../openstack/lab.ts';

const run = promisify(execFile);

export interface PolicyServerProcess {
  /** https://127.0.0.1:PORT of the internal (mTLS) API. */
  internal: string;
  /** http://127.0.0.1:PORT of the external API. */
  external: string;
  /** The client certificate files for the internal API. */
  certs: { ca: string; cert: string; key: string };
  logs(): string;
  stop(): Promise<void>;
}

export async function startPolicyServerProcess(o: {
  /** Absent: the server serves policies but enforces nothing. */
  defaultProject?: string;
  neutronTag: string;
  extra?: string[];
}): Promise<PolicyServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-policy-e2e-'));
  const c = (f: string) => join(dir, 'certs', f);
  await run(process.execPath, [
    join(REPO_ROOT, 'src/cmd/osnet.ts'),
    'policy',
    'certs',
    '--out',
    join(dir, 'certs'),
  ]);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'src/cmd/osnet-policy-server.ts'),
      '--state-dir',
      join(dir, 'state'),
      '--internal-listen',
      '127.0.0.1:0',
      '--external-listen',
      '127.0.0.1:0',
      '--health-listen',
      '127.0.0.1:0',
      '--ca',
      c('ca.crt'),
      '--cert',
      c('server.crt'),
      '--key',
      c('server.key'),
      '--os-cloud',
      'lab-admin',
      ...(o.defaultProject ? ['--default-project', o.defaultProject] : []),
      '--neutron-tag',
      o.neutronTag,
      '--reconcile-interval',
      '5',
      ...(o.extra ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS, OS_CLOUD: '' },
    },
  );
  let text = '';
  const onData = (b: Buffer) => {
    text += b.toString();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const addr = async (server: 'internal' | 'external') => {
    const end = Date.now() + 30_000;
    for (;;) {
      for (const l of text.split('\n')) {
        if (!l.startsWith('{')) continue;
        const r = JSON.parse(l) as { msg?: string; server?: string; address?: string };
        if (r.msg === 'listening' && r.server === server) return r.address!;
      }
      if (child.exitCode !== null || Date.now() > end) {
        await stop();
        throw new Error(`osnet-policy-server: no ${server} listener:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const [internal, external] = [await addr('internal'), await addr('external')];
  return {
    internal: `https://${internal}`,
    external: `http://${external}`,
    certs: { ca: c('ca.crt'), cert: c('client.crt'), key: c('client.key') },
    logs: () => text,
    stop,
  };
}
