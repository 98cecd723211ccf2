/**
 * The shared store: one query layer (Kysely) over the embedded store (node:sqlite, one file, zero setup) or
 * PostgreSQL (several replicas), chosen by URL; migrations run at open. The policy server and the portal
 * build on it.
 *
 * @example
 *   const store = await openStore<DB>({ url: 'sqlite:/var/lib/osnet/policy.db', migrations: MIGRATIONS });
 *   await store.db.selectFrom('policy_groups').selectAll().execute();
 *   await store.close();
 */
import { Kysely, sql } from 'kysely';
import { OsnetError } from '../lib/errors.ts';
import { type Logger, silentLogger } from '../lib/log.ts';
import { storeError } from './errors.ts';
import { type Migration, migrate } from './migrate.ts';
import { postgresDialect } from './postgres.ts';
import { NodeSqliteDialect } from './sqlite/dialect.ts';
import { openSqliteFile } from './sqlite/file.ts';
import { parseStoreUrl, redactUrl } from './url.ts';

export type { Migration } from './migrate.ts';
export { withRetry } from './retry.ts';
export { parseStoreUrl, redactUrl } from './url.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface Store<DB> {
  db: Kysely<DB>;
  kind: StoreKind;
  /** Throws (OSNET_ERR_STORE_UNAVAILABLE or the native error) when the store cannot answer. */
  check(): Promise<void>;
  /** Waits for running work, then closes; a second call is a no-op. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `postgres://…`, `postgresql://…`, `sqlite:/abs/file.db` or `/abs/file.db`. */
  url: string;
  migrations: readonly Migration[];
  /** Table recording applied migrations (default `osnet_migrations`): one per component sharing a database. */
  migrationTable?: string;
  /** The flag or variable the URL came from, named by errors (default `--db`). */
  field?: string;
  /** Embedded store: how long to wait for another process's write lock before OSNET_ERR_STORE_CONFLICT. */
  busyTimeoutMs?: number;
  log?: Logger;
}

export async function openStore<DB>(opts: OpenStoreOptions): Promise<Store<DB>> {
  const field = opts.field ?? '--db';
  const target = parseStoreUrl(opts.url, field);
  const log = opts.log ?? silentLogger;
  const db =
    target.kind === 'sqlite'
      ? new Kysely<DB>({
          dialect: new NodeSqliteDialect({
            open: () => openSqliteFile(target.file),
            ...(opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs }),
          }),
        })
      : new Kysely<DB>({ dialect: postgresDialect({ url: target.url, log }).dialect });
  const where = target.kind === 'sqlite' ? target.file : redactUrl(target.url);
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= db.destroy();
    return closed;
  };
  try {
    await migrate(db, opts.migrations, {
      log,
      ...(opts.migrationTable ? { table: opts.migrationTable } : {}),
    });
  } catch (err) {
    await close().catch(() => {});
    if (err instanceof OsnetError && err.code === 'OSNET_ERR_STORE_UNAVAILABLE')
      throw new OsnetError(err.code, `${field}: cannot reach ${where}: ${err.message}`, {
        field,
        cause: err,
      });
    throw err;
  }
  log.info({ store: target.kind, where }, 'store: open');
  return {
    db,
    kind: target.kind,
    async check() {
      if (closed) throw new OsnetError('OSNET_ERR_STORE_UNAVAILABLE', `store ${where} is closed`);
      try {
        await sql`select 1`.execute(db);
      } catch (err) {
        throw (
          storeError(err) ??
          new OsnetError('OSNET_ERR_STORE_UNAVAILABLE', (err as Error).message, { cause: err })
        );
      }
    },
    close,
  };
}
