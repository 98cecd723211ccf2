/**
 * The daemon's policy server settings (`--policy-server URL --policy-ca --policy-cert --policy-key`,
 * `--policy-wait`), read once at start: the files are read into memory, the key is never logged.
 *
 * @example
 *   const policy = await openPolicyGroups({ server, ca, cert, key, waitMs: 30_000 }, net, log);
 *   await policy.close();
 */
import { readFile, stat } from 'node:fs/promises';
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { createPolicyClient } from '../policy/client.ts';
import { PolicyGroups } from './policy-groups.ts';

export interface PolicySettings {
  server: string;
  ca: string;
  cert: string;
  key: string;
  waitMs: number;
}

async function read(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        field: flag,
      },
    );
  }
}

export async function openPolicyGroups(
  s: PolicySettings,
  net: ServiceClient,
  log: Logger,
): Promise<{ groups: PolicyGroups; close(): Promise<void> }> {
  const [ca, cert, key] = await Promise.all([
    read(s.ca, '--policy-ca'),
    read(s.cert, '--policy-cert'),
    read(s.key, '--policy-key'),
  ]);
  if (((await stat(s.key)).mode & 0o077) !== 0)
    log.warn({ file: s.key }, '--policy-key is readable by group or others: make it 0600');
  const client = createPolicyClient({ url: s.server, ca, cert, key });
  log.info({ server: s.server, wait_s: s.waitMs / 1000 }, 'policy server configured');
  return { groups: new PolicyGroups({ client, net, log, waitMs: s.waitMs }), close: () => client.close() };
}
