/**
 * A Kysely dialect for Node 24's built-in node:sqlite (no native module to build or download): our driver and
 * adapter (migrations in a transaction), Kysely's own SQLite compiler and introspector.
 *
 * @example
 *   const db = new Kysely<DB>({ dialect: new NodeSqliteDialect({ open: () => openSqliteFile('/var/lib/x.db') }) });
 */
import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { NodeSqliteAdapter } from './adapter.ts';
import { NodeSqliteDriver, type NodeSqliteDriverConfig } from './driver.ts';

export class NodeSqliteDialect implements Dialect {
  readonly #config: NodeSqliteDriverConfig;

  constructor(config: NodeSqliteDriverConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new NodeSqliteDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
