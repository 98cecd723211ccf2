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
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAB_CLOUDS, REPO_ROOT } from '../openstack/lab.ts';
import { spawnService } from '../service/process.ts';

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
  const p = spawnService(
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
    { stdout: true, env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS, OS_CLOUD: '' } },
  );
  const stop = async () => {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await p.exited;
    await rm(dir, { recursive: true, force: true });
  };
  const addr = async (server: 'internal' | 'external') => {
    try {
      return await p.addr(server, 30_000);
    } catch (e) {
      await stop();
      throw new Error(`osnet-policy-server: ${(e as Error).message}`);
    }
  };
  const [internal, external] = [await addr('internal'), await addr('external')];
  return {
    internal: `https://${internal}`,
    external: `http://${external}`,
    certs: { ca: c('ca.crt'), cert: c('client.crt'), key: c('client.key') },
    logs: () => p.log(),
    stop,
  };
}
