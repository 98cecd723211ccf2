/**
 * Group and state writes shared by the repo's transactions: get-or-create of groups (tags allocated in the
 * same transaction) and the state bump that every change makes before it commits.
 */
import type { Transaction } from 'kysely';
import type { PolicyGroup } from '../model.ts';
import type { PolicyDB } from './schema.ts';
import { allocateTags, formatTag } from './tags.ts';

/** Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const CHUNK = 1000;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type GroupRow = PolicyDB['policy_groups'];

export function toGroup(row: Pick<GroupRow, 'id' | 'tag' | 'project_id'>): PolicyGroup {
  return { id: row.id, tag: formatTag(Number(row.tag)), projectId: row.project_id };
}

/** Every group of `ids` (distinct), created when missing; `created` counts the new ones. */
export async function ensureGroupsIn(
  trx: Transaction<PolicyDB>,
  ids: readonly string[],
  projectId: string | null,
  now: string,
): Promise<{ byId: Map<string, GroupRow>; created: number }> {
  const wanted = [...new Set(ids)];
  const byId = new Map<string, GroupRow>();
  for (const part of chunks(wanted)) {
    const rows = await trx.selectFrom('policy_groups').selectAll().where('id', 'in', part).execute();
    for (const r of rows) byId.set(r.id, r);
  }
  const missing = wanted.filter((id) => !byId.has(id));
  const tags = await allocateTags(trx, missing.length);
  const rows: GroupRow[] = missing.map((id, i) => ({
    id,
    tag: tags[i]!,
    project_id: projectId,
    created: now,
  }));
  for (const part of chunks(rows, 250)) await trx.insertInto('policy_groups').values(part).execute();
  for (const r of rows) byId.set(r.id, r);
  return { byId, created: rows.length };
}

export async function bumpState(trx: Transaction<PolicyDB>, now: string): Promise<void> {
  await trx
    .updateTable('policy_state')
    .set((eb) => ({ version: eb('version', '+', 1), last_updated: now }))
    .where('id', '=', 1)
    .execute();
}
