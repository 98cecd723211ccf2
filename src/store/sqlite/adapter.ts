/**
 * Kysely's SqliteAdapter, told the truth that SQLite's DDL is transactional. Kysely's own adapter says it
 * is not, so its Migrator runs migrations outside a transaction with a no-op lock: fine for one connection,
 * wrong for two processes (or two replicas) opening the same file at once, which then both run every
 * migration. Inside a transaction our driver starts with BEGIN IMMEDIATE, the file's write lock: the second
 * opener waits there, then reads the migrations the first recorded. A failed migration also rolls back
 * whole instead of leaving half a schema.
 */
import { SqliteAdapter } from 'kysely';

export class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
