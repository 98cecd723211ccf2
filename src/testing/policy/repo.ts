/**
 * The PolicyRepo API tests run on (tests only): the real policy store, embedded, in a fresh temp dir.
 *
 * @example
 *   const { repo, close } = await testPolicyRepo();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyRepo } from '../../policy/model.ts';
import { openPolicyRepo } from '../../policy/store/index.ts';

export interface TestRepo {
  repo: PolicyRepo;
  /** Where its data lives (a temp dir, removed by close). */
  dir: string;
  /** The store's URL (`sqlite:<dir>/policy.db`), for a server process or a reopen. */
  url: string;
  close(): Promise<void>;
}

export async function testPolicyRepo(): Promise<TestRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-policy-'));
  const url = `sqlite:${join(dir, 'policy.db')}`;
  const repo = await openPolicyRepo({ url });
  return {
    repo,
    dir,
    url,
    async close() {
      await repo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
