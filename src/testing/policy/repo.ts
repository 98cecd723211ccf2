/**
 * The PolicyRepo API tests run on, and the certificates they use (tests only).
 *
 * @example
 *   const { repo, close } = await testPolicyRepo();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyRepo } from '../../policy/model.ts';
import { fakePolicyRepo } from './fake-repo.ts';

export interface TestRepo {
  repo: PolicyRepo;
  /** Where its data lives (a temp dir, removed by close). */
  dir: string;
  close(): Promise<void>;
}

export async function testPolicyRepo(): Promise<TestRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-policy-'));
  const repo = fakePolicyRepo();
  return {
    repo,
    dir,
    async close() {
      await repo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
