/**
 * The totals migration 0006's triggers keep (`portal_table_counts`), for lists whose unfiltered total is
 * the whole table: staff's organisations and events. Reading one row instead of counting 100,000.
 */
import type { Kysely } from 'kysely';
import type { COUNTED_TABLES } from '../store/migrations/0006-list-counts.ts';
import type { PortalDB } from '../store/schema.ts';

export async function tableCount(
  db: Kysely<PortalDB>,
  tbl: (typeof COUNTED_TABLES)[number],
): Promise<number> {
  const r = await db.selectFrom('portal_table_counts').select('n').where('tbl', '=', tbl).executeTakeFirst();
  if (!r) throw new Error(`portal_table_counts has no row for ${tbl} (migration 0006 not applied?)`);
  return Number(r.n);
}
