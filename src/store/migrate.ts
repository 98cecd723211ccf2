/**
 * Migrations: an ordered list run at open with Kysely's Migrator. Kysely takes a lock first (on PostgreSQL
 * an advisory lock, on SQLite the write lock of a transaction), so two replicas starting at once run each
 * migration once: the second waits, then finds nothing left to do.
 */
import type { Kysely } from 'kysely';
import { type Migration as KyselyMigration, Migrator } from 'kysely/migration';
import { OsnetError } from '../lib/errors.ts';
import { type Logger, silentLogger } from '../lib/log.ts';
import { storeError } from './errors.ts';

export interface Migration {
  /** Unique and in the list's order when sorted as text (`0001_groups`, `0002_...`): Kysely orders by name. */
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a migration works on the schema, before any table type exists
  up(db: Kysely<any>): Promise<void>;
}

function checkOrder(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i - 1]!.name >= migrations[i]!.name)
      throw new TypeError(
        `migrations: ${migrations[i]!.name} must sort after ${migrations[i - 1]!.name} (names unique, in list order)`,
      );
  }
}

/** Runs every migration not yet applied; returns the names it applied. */
export async function migrate(
  // biome-ignore lint/suspicious/noExplicitAny: a migration works on the schema, before any table type exists
  db: Kysely<any>,
  migrations: readonly Migration[],
  opts: { table?: string; log?: Logger } = {},
): Promise<string[]> {
  checkOrder(migrations);
  const log = opts.log ?? silentLogger;
  const table = opts.table ?? 'osnet_migrations';
  const migrator = new Migrator({
    db,
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          migrations.map((m): [string, KyselyMigration] => [m.name, { up: (d) => m.up(d) }]),
        ),
    },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  for (const name of applied) log.info({ migration: name, table }, 'store: migration applied');
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const mapped = storeError(error);
    if (mapped && !failed) throw mapped;
    throw new OsnetError(
      mapped?.code ?? 'OSNET_ERR_INTERNAL',
      `store migration ${failed ?? '(before any migration)'} failed: ${(error as Error).message ?? error}`,
      { cause: error, ...(failed ? { migration: failed } : {}) },
    );
  }
  return applied;
}
