/**
 * Tags: 1..65535 (`0001`..`ffff`), unique in the table. The next ones come after the highest in use; only
 * once that reaches `ffff` are freed ones below taken, lowest first, so a deleted group's tag is not handed
 * out again at once. Two writers that read the same maximum on PostgreSQL collide on the unique index; the
 * loser's transaction is retried (repo.ts).
 */
import type { Transaction } from 'kysely';
import { OsnetError } from '../../lib/errors.ts';
import '../../store/error-codes.ts';
import type { PolicyDB } from './schema.ts';

export const MAX_TAG = 0xffff;

export function formatTag(tag: number): string {
  return tag.toString(16).padStart(4, '0');
}

export async function allocateTags(trx: Transaction<PolicyDB>, count: number): Promise<number[]> {
  if (count === 0) return [];
  const row = await trx
    .selectFrom('policy_groups')
    .select((eb) => eb.fn.max('tag').as('max'))
    .executeTakeFirst();
  const max = Number(row?.max ?? 0);
  if (max + count <= MAX_TAG) return Array.from({ length: count }, (_, i) => max + 1 + i);
  const used = new Set(
    (await trx.selectFrom('policy_groups').select('tag').execute()).map((r) => Number(r.tag)),
  );
  const free: number[] = [];
  for (let t = 1; t <= MAX_TAG && free.length < count; t++) if (!used.has(t)) free.push(t);
  if (free.length < count)
    throw new OsnetError(
      'OSNET_ERR_STORE_EXHAUSTED',
      `all ${MAX_TAG} policy group tags are in use (${used.size} groups): ${count} more groups do not fit; delete unused groups first`,
      { field: 'ids', inUse: used.size, requested: count },
    );
  return free;
}
