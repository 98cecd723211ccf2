/**
 * The policy store: `openPolicyRepo` opens the shared store at `url` (embedded or PostgreSQL), runs the
 * policy migrations and answers the PolicyRepo contract of src/policy/model.ts.
 *
 * @example
 *   const repo = await openPolicyRepo({ url: 'sqlite:/var/lib/osnet/policy.db' });
 *   await repo.createPolicies([{ source: 'a', destination: 'b', protocol: 'tcp', ports: { start: 8080, end: 8080 } }]);
 *   await repo.close();
 */
import type { Logger } from '../../lib/log.ts';
import { openStore } from '../../store/index.ts';
import type { PolicyRepo } from '../model.ts';
import { StorePolicyRepo } from './repo.ts';
import { MIGRATION_TABLE, POLICY_MIGRATIONS, type PolicyDB } from './schema.ts';

export { MIGRATION_TABLE, POLICY_MIGRATIONS, type PolicyDB } from './schema.ts';
export { formatTag, MAX_TAG } from './tags.ts';

export interface OpenPolicyRepoOptions {
  /** `postgres://…`, `sqlite:/abs/file.db` or `/abs/file.db`. */
  url: string;
  /** The flag the URL came from, named by errors (default `--db`). */
  field?: string;
  log?: Logger;
}

export async function openPolicyRepo(
  opts: OpenPolicyRepoOptions,
): Promise<PolicyRepo & { kind: 'sqlite' | 'postgres' }> {
  const store = await openStore<PolicyDB>({
    url: opts.url,
    migrations: POLICY_MIGRATIONS,
    migrationTable: MIGRATION_TABLE,
    ...(opts.field ? { field: opts.field } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return new StorePolicyRepo(store);
}
