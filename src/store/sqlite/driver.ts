/**
 * The Kysely Driver of the embedded store: one node:sqlite connection, owned by one caller at a time (a
 * query, or a transaction from BEGIN to COMMIT), so transactions serialize inside the process. Transactions
 * start with BEGIN IMMEDIATE: the write lock is taken up front, so another connection to the same file waits
 * for it there (connection.ts) instead of failing at its first write in the middle of a transaction.
 */
import type { DatabaseSync } from 'node:sqlite';
import { CompiledQuery, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';
import { Mutex } from '../mutex.ts';
import { NodeSqliteConnection } from './connection.ts';

export interface NodeSqliteDriverConfig {
  /** Opens the database (pragmas set); called once, at init. */
  open: () => DatabaseSync;
  /** How long a statement waits for another connection's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

export class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDriverConfig;
  readonly #mutex = new Mutex();
  #db: DatabaseSync | undefined;
  #connection: NodeSqliteConnection | undefined;
  #release: (() => void) | undefined;

  constructor(config: NodeSqliteDriverConfig) {
    this.#config = config;
  }

  async init(): Promise<void> {
    this.#db = this.#config.open();
    this.#connection = new NodeSqliteConnection(this.#db, this.#config.busyTimeoutMs ?? 5000);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.lock();
    if (!this.#connection) {
      release();
      throw new Error('the embedded store is closed');
    }
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // SQLite transactions are serializable whatever is asked; read-only ones need no write lock
    const mode = settings.accessMode === 'read only' ? 'deferred' : 'immediate';
    await connection.executeQuery(CompiledQuery.raw(`begin ${mode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quote(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quote(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quote(name)}`));
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    // waits for the current holder: closing under a running transaction would lose it
    const release = await this.#mutex.lock();
    try {
      this.#connection?.reset();
      this.#connection = undefined;
      if (this.#db?.isOpen) this.#db.close();
      this.#db = undefined;
    } finally {
      release();
    }
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
