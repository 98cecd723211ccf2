/**
 * The query behind `GET /api/openstack-<kind>/`: ResourceQuery's filters, and the total for
 * `X-Result-Count` from the counts migration 0006 keeps (a few rows summed) whenever the filters are
 * only the scope ones the counts are kept by (tenant, project, organisation, and what the caller sees).
 *
 * `name` is Waldur's case-insensitive contains: `%` and `_` in it are plain characters. On SQLite the
 * FTS5 trigram index narrows the rows first (a phrase of 3 characters or more); the exact
 * `lower(name) LIKE` decides, on both stores.
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

export function filterResources(
  q: Query,
  f: ResourceQuery,
  store: 'sqlite' | 'postgres' = 'postgres',
): Query {
  let out = q;
  if (f.name !== undefined) {
    const needle = f.name.toLowerCase();
    // lower() on both sides: SQLite's LIKE ignores ASCII case only, PostgreSQL's does not ignore it
    out = out.where(sql<boolean>`lower(name) LIKE ${`%${likeLiteral(needle)}%`} ESCAPE '\\'`);
    const phrase = store === 'sqlite' ? trigramPhrase(needle) : undefined;
    if (phrase !== undefined)
      out = out.where(
        sql<boolean>`portal_resources.rowid IN (SELECT rowid FROM ${sql.table(NAMES_FTS)} WHERE ${sql.table(NAMES_FTS)} MATCH ${phrase})`,
      );
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
  c: Caller,
  kind: string,
  f: ResourceQuery,
): Promise<number | undefined> {
  if (UNCOUNTED.some((k) => f[k] !== undefined)) return undefined;
  let q = db
    .selectFrom('portal_resource_counts')
    .select((eb) => eb.fn.sum<number | string | null>('n').as('n'))
    .where('kind', '=', kind);
  if (!c.staff) q = q.where('project_uuid', 'in', visibleProjectUuids(db, c));
  if (f.tenant_uuid !== undefined) q = q.where('tenant_uuid', '=', f.tenant_uuid);
  if (f.project_uuid !== undefined) q = q.where('project_uuid', '=', f.project_uuid);
  if (f.customer_uuid !== undefined) q = q.where('customer_uuid', '=', f.customer_uuid);
  const { n } = await q.executeTakeFirstOrThrow();
  return Number(n ?? 0);
}
