/**
 * Migration 0006: what keeps lists fast at 100,000 rows (bench/portal-kind-lists.ts, bench/portal-lists.ts).
 *
 * - Counts kept by triggers, so `X-Result-Count` reads a few rows instead of counting the whole scope on
 *   every request, and stays exact whoever writes (the engine, the routes, a pull, a cascade): the
 *   triggers run in the writer's own transaction. `portal_resource_counts` holds one row per kind and
 *   tenant (with its project and organisation), so staff's count, one tenant's, one project's and a
 *   member's (summed over the projects it sees) are all a handful of rows; `portal_table_counts` holds
 *   the totals of organisations and events. On PostgreSQL a counter row is locked from the write to the
 *   commit, so concurrent writers of one tenant's kind (or of events) take turns there; the portal's
 *   transactions are short and write their event last.
 * - SQLite: `(kind, project_uuid, name, uuid)`, so a member's list seeks its projects' rows.
 * - `name=` (contains): on PostgreSQL a pg_trgm GIN index on `lower(name)` when the extension can be
 *   created (a trusted extension: the database owner may); without it the match still works, by a scan.
 *   On SQLite an FTS5 trigram index of the names (external content, keyed by the table's rowid) narrows
 *   the candidates; the list still applies the exact `lower(name) LIKE` to them.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';
import type { Migration } from '../../../store/index.ts';

export interface ResourceCountRow {
  kind: string;
  customer_uuid: string;
  project_uuid: string;
  /** '' for rows with no tenant (the tenants themselves). */
  tenant_uuid: string;
  n: number;
}

export interface TableCountRow {
  /** `portal_customers`, `portal_events`. */
  tbl: string;
  n: number | string;
}

export interface CountsDB {
  portal_resource_counts: ResourceCountRow;
  portal_table_counts: TableCountRow;
}

/** The FTS5 table of resource names (SQLite only). */
export const NAMES_FTS = 'portal_resource_names';

/** Tables whose total is kept in portal_table_counts. */
export const COUNTED_TABLES = ['portal_customers', 'portal_events'] as const;

// biome-ignore lint/suspicious/noExplicitAny: a migration works on the schema, before any table type exists
type AnyDB = Kysely<any>;

const KEY = ['kind', 'customer_uuid', 'project_uuid', 'tenant_uuid'] as const;

function keyOf(row: 'NEW' | 'OLD'): string {
  return `${row}.kind, ${row}.customer_uuid, ${row}.project_uuid, coalesce(${row}.tenant_uuid, '')`;
}

function matchOf(row: 'NEW' | 'OLD'): string {
  return `kind = ${row}.kind AND customer_uuid = ${row}.customer_uuid AND project_uuid = ${row}.project_uuid AND tenant_uuid = coalesce(${row}.tenant_uuid, '')`;
}

const add = (row: 'NEW' | 'OLD') =>
  `INSERT INTO portal_resource_counts (${KEY.join(', ')}, n) VALUES (${keyOf(row)}, 1)
   ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET n = portal_resource_counts.n + 1;`;
// a tenant's rows go when it is empty, so deleted tenants leave nothing behind
const sub = (row: 'NEW' | 'OLD') =>
  `UPDATE portal_resource_counts SET n = n - 1 WHERE ${matchOf(row)};
   DELETE FROM portal_resource_counts WHERE ${matchOf(row)} AND n <= 0;`;

const moved = (not: string, eq: string) => KEY.map((c) => `OLD.${c} ${not} NEW.${c}`).join(` ${eq} `);

async function sqliteUp(db: AnyDB): Promise<void> {
  const run = (q: string) => sql.raw(q).execute(db);
  // SQLite only: without it a member's list walks the kind's whole name index (no statistics tell the
  // planner its projects are few); on PostgreSQL the project index serves and the extra one cost every
  // kind list's planning about 1 ms
  await db.schema
    .createIndex('portal_resources_project_name')
    .on('portal_resources')
    .columns(['kind', 'project_uuid', 'name', 'uuid'])
    .execute();
  await run(`CREATE TRIGGER portal_resources_count_insert AFTER INSERT ON portal_resources
    BEGIN ${add('NEW')} END`);
  await run(`CREATE TRIGGER portal_resources_count_delete AFTER DELETE ON portal_resources
    BEGIN ${sub('OLD')} END`);
  await run(`CREATE TRIGGER portal_resources_count_move AFTER UPDATE OF ${KEY.join(', ')} ON portal_resources
    WHEN ${moved('IS NOT', 'OR')}
    BEGIN ${sub('OLD')} ${add('NEW')} END`);
  for (const t of COUNTED_TABLES) {
    await run(`CREATE TRIGGER ${t}_count_insert AFTER INSERT ON ${t}
      BEGIN UPDATE portal_table_counts SET n = n + 1 WHERE tbl = '${t}'; END`);
    await run(`CREATE TRIGGER ${t}_count_delete AFTER DELETE ON ${t}
      BEGIN UPDATE portal_table_counts SET n = n - 1 WHERE tbl = '${t}'; END`);
  }

  await run(`CREATE VIRTUAL TABLE ${NAMES_FTS} USING fts5(name, content='portal_resources',
    content_rowid='rowid', tokenize='trigram')`);
  const del = `INSERT INTO ${NAMES_FTS} (${NAMES_FTS}, rowid, name) VALUES ('delete', OLD.rowid, OLD.name);`;
  const ins = `INSERT INTO ${NAMES_FTS} (rowid, name) VALUES (NEW.rowid, NEW.name);`;
  await run(`CREATE TRIGGER ${NAMES_FTS}_insert AFTER INSERT ON portal_resources BEGIN ${ins} END`);
  await run(`CREATE TRIGGER ${NAMES_FTS}_delete AFTER DELETE ON portal_resources BEGIN ${del} END`);
  await run(`CREATE TRIGGER ${NAMES_FTS}_rename AFTER UPDATE OF name ON portal_resources
    BEGIN ${del} ${ins} END`);
  await run(`INSERT INTO ${NAMES_FTS} (${NAMES_FTS}) VALUES ('rebuild')`);
}

async function postgresUp(db: AnyDB): Promise<void> {
  const run = (q: string) => sql.raw(q).execute(db);
  await run(`CREATE FUNCTION portal_resource_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NOT (${moved('IS DISTINCT FROM', 'OR')}) THEN RETURN NULL; END IF;
      IF TG_OP <> 'INSERT' THEN ${sub('OLD')} END IF;
      IF TG_OP <> 'DELETE' THEN ${add('NEW')} END IF;
      RETURN NULL;
    END $$`);
  await run(`CREATE TRIGGER portal_resources_count
    AFTER INSERT OR DELETE OR UPDATE OF ${KEY.join(', ')} ON portal_resources
    FOR EACH ROW EXECUTE FUNCTION portal_resource_count()`);
  await run(`CREATE FUNCTION portal_table_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE portal_table_counts SET n = n + (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
        WHERE tbl = TG_TABLE_NAME;
      RETURN NULL;
    END $$`);
  for (const t of COUNTED_TABLES)
    await run(`CREATE TRIGGER ${t}_count AFTER INSERT OR DELETE ON ${t}
      FOR EACH ROW EXECUTE FUNCTION portal_table_count()`);

  // optional: a savepoint, so a database where the extension cannot be made still migrates (by a scan)
  const available = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'pg_trgm'`.execute(db);
  if (!available.rows[0]?.n) return;
  await run('SAVEPOINT portal_trgm');
  try {
    await run('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await run(`CREATE INDEX portal_resources_name_trgm ON portal_resources
      USING gin (lower(name) gin_trgm_ops)`);
    await run('RELEASE SAVEPOINT portal_trgm');
  } catch {
    await run('ROLLBACK TO SAVEPOINT portal_trgm');
  }
}

export const migration0006: Migration = {
  name: '0006_list_counts',
  async up(db: AnyDB) {
    await db.schema
      .createTable('portal_resource_counts')
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('customer_uuid', 'varchar(32)', (c) => c.notNull())
      .addColumn('project_uuid', 'varchar(32)', (c) => c.notNull())
      .addColumn('tenant_uuid', 'varchar(32)', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('portal_resource_counts_pk', [...KEY])
      .execute();
    for (const col of ['project_uuid', 'tenant_uuid'])
      await db.schema
        .createIndex(`portal_resource_counts_${col}`)
        .on('portal_resource_counts')
        .columns(['kind', col])
        .execute();
    await db.schema
      .createTable('portal_table_counts')
      .addColumn('tbl', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .execute();

    if (db.getExecutor().adapter instanceof SqliteAdapter) await sqliteUp(db);
    else await postgresUp(db);

    // what is there already, counted once under the migration's lock (no writer runs meanwhile)
    await sql`INSERT INTO portal_resource_counts (kind, customer_uuid, project_uuid, tenant_uuid, n)
      SELECT kind, customer_uuid, project_uuid, coalesce(tenant_uuid, ''), count(*) FROM portal_resources
      GROUP BY kind, customer_uuid, project_uuid, coalesce(tenant_uuid, '')`.execute(db);
    for (const t of COUNTED_TABLES)
      await sql`INSERT INTO portal_table_counts (tbl, n) SELECT ${t}, count(*) FROM ${sql.table(t)}`.execute(
        db,
      );
  },
};
