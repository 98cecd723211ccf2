/**
 * The query behind `GET /api/openstack-<kind>/`: ResourceQuery's filters, and the total for
 * `X-Result-Count` from the counts migration 0006 keeps (a few rows summed) whenever the filters are
 * only the scope ones the counts are kept by (tenant, project, organisation, and what the caller sees).
 *
 * `name` is Waldur's case-insensitive contains: `%` and `_` in it are plain characters. The exact
 * `lower(name) LIKE` decides on both stores; on PostgreSQL the pg_trgm index serves it. On SQLite the FTS5
 * trigram index narrows the rows first when it is selective: a phrase of 3 characters or more matching at
 * most NARROW_AT names (a probe that stops there); a common one (`port`) walks the list's index instead,
 * which finds a page's matches at once where the FTS path would sort them all.
 */
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Caller } from '../api/context.ts';
import { NAMES_FTS } from '../store/migrations/0006-list-counts.ts';
import type { PortalDB, ResourceRow } from '../store/schema.ts';
import { visibleProjectUuids } from './access.ts';
import type { ResourceQuery } from './schemas.ts';

type DB = Kysely<PortalDB>;
type Query = SelectQueryBuilder<PortalDB, 'portal_resources', ResourceRow>;

/** `s` as a LIKE pattern matching itself, with `\` the escape (`ESCAPE '\'` on both stores). */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** An FTS5 phrase query for `s` (quotes doubled), or undefined when too short for trigrams. */
export function trigramPhrase(s: string): string | undefined {
  return [...s].length >= 3 ? `"${s.replaceAll('"', '""')}"` : undefined;
}

export const NARROW_AT = 1000;

/** Up to this many projects a caller sees are given to the list queries as literal uuids. */
export const LITERAL_PROJECTS = 200;

/**
 * The projects whose rows the caller sees: all (staff), their uuids (looked up first, when at most
 * LITERAL_PROJECTS: the planner then looks each project's rows up on the project index, where a
 * subquery had PostgreSQL walk the kind's whole index in list order), or the subquery.
 */
export type Seen = 'all' | readonly [string, ...string[]] | ReturnType<typeof visibleProjectUuids>;

export async function projectsSeen(db: DB, c: Caller): Promise<Seen | undefined> {
  if (c.staff) return 'all';
  const sub = visibleProjectUuids(db, c);
  const rows = await sub.limit(LITERAL_PROJECTS + 1).execute();
  if (rows.length > LITERAL_PROJECTS) return sub;
  const [first, ...rest] = rows.map((r) => r.uuid);
  // none: nothing to list (undefined), without asking the store
  return first === undefined ? undefined : [first, ...rest];
}

/** The FTS5 phrase to narrow `name=` by on SQLite, when it is selective enough to pay; else undefined. */
export async function narrowingPhrase(
  db: DB,
  store: 'sqlite' | 'postgres',
  f: ResourceQuery,
): Promise<string | undefined> {
  if (store !== 'sqlite' || f.name === undefined) return undefined;
  const phrase = trigramPhrase(f.name.toLowerCase());
  if (phrase === undefined) return undefined;
  const { n } = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT rowid FROM ${sql.table(NAMES_FTS)}
    WHERE ${sql.table(NAMES_FTS)} MATCH ${phrase} LIMIT ${NARROW_AT + 1})`
    .execute(db)
    .then((r) => r.rows[0] ?? { n: NARROW_AT + 1 });
  return Number(n) <= NARROW_AT ? phrase : undefined;
}

/**
 * One kind's rows the caller may see, filtered; `phrase` from narrowingPhrase. Narrowed, `kind` is
 * compared as `+kind` so SQLite looks the FTS rowids up instead of walking the kind's index past them.
 */
export function resourceList(db: DB, seen: Seen, kind: string, f: ResourceQuery, phrase?: string): Query {
  let q = db
    .selectFrom('portal_resources')
    .selectAll()
    .where(phrase === undefined ? sql.ref('kind') : sql`+kind`, '=', kind);
  if (seen !== 'all') q = q.where('project_uuid', 'in', seen);
  q = filterResources(q, f);
  if (phrase !== undefined)
    q = q.where(
      sql<boolean>`portal_resources.rowid IN (SELECT rowid FROM ${sql.table(NAMES_FTS)} WHERE ${sql.table(NAMES_FTS)} MATCH ${phrase})`,
    );
  return q;
}

export function filterResources(q: Query, f: ResourceQuery): Query {
  let out = q;
  if (f.name !== undefined) {
    // lower() on both sides: SQLite's LIKE ignores ASCII case only, PostgreSQL's does not ignore it
    const like = `%${likeLiteral(f.name.toLowerCase())}%`;
    out = out.where(sql<boolean>`lower(name) LIKE ${like} ESCAPE '\\'`);
  }
  if (f.name_exact !== undefined) out = out.where('name', '=', f.name_exact);
  if (f.state !== undefined) out = out.where('state', '=', f.state);
  if (f.tenant_uuid !== undefined) out = out.where('tenant_uuid', '=', f.tenant_uuid);
  if (f.project_uuid !== undefined) out = out.where('project_uuid', '=', f.project_uuid);
  if (f.customer_uuid !== undefined) out = out.where('customer_uuid', '=', f.customer_uuid);
  if (f.service_settings_uuid !== undefined) out = out.where('provider_uuid', '=', f.service_settings_uuid);
  if (f.backend_id !== undefined) out = out.where('backend_id', '=', f.backend_id);
  return out;
}

/** Filters the kept counts cannot answer (they are kept per kind, tenant, project and organisation). */
const UNCOUNTED: readonly (keyof ResourceQuery)[] = [
  'name',
  'name_exact',
  'state',
  'service_settings_uuid',
  'backend_id',
];

/** The list's total from portal_resource_counts, or undefined when its filters need a real count. */
export async function keptCount(
  db: DB,
  seen: Seen,
  kind: string,
  f: ResourceQuery,
): Promise<number | undefined> {
  if (UNCOUNTED.some((k) => f[k] !== undefined)) return undefined;
  let q = db
    .selectFrom('portal_resource_counts')
    .select((eb) => eb.fn.sum<number | string | null>('n').as('n'))
    .where('kind', '=', kind);
  if (seen !== 'all') q = q.where('project_uuid', 'in', seen);
  if (f.tenant_uuid !== undefined) q = q.where('tenant_uuid', '=', f.tenant_uuid);
  if (f.project_uuid !== undefined) q = q.where('project_uuid', '=', f.project_uuid);
  if (f.customer_uuid !== undefined) q = q.where('customer_uuid', '=', f.customer_uuid);
  const { n } = await q.executeTakeFirstOrThrow();
  return Number(n ?? 0);
}
