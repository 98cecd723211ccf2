/**
 * A Kysely DatabaseConnection over one node:sqlite DatabaseSync. node:sqlite binds only numbers, bigints,
 * strings, null and bytes: booleans become 0/1 and dates ISO strings, as SQLite stores them anyway.
 *
 * Waiting for another connection's write lock happens here, asynchronously, not in SQLite's busy handler:
 * node:sqlite is synchronous, so busy_timeout would block the event loop (a whole server stalls), and
 * against a second connection in the same process it deadlocks, as that holder can only finish on the very
 * event loop the wait blocks. Only a statement outside a transaction (BEGIN IMMEDIATE above all) waits:
 * inside one, the write lock is already held.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { OsnetError } from '../../lib/errors.ts';
import { mapStoreError } from '../errors.ts';

function bind(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}

export class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  // a prepared statement per SQL text: the store runs the same few queries over and over
  readonly #statements = new Map<string, StatementSync>();

  readonly #busyTimeoutMs: number;

  constructor(db: DatabaseSync, busyTimeoutMs: number) {
    this.#db = db;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  #prepare(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      if (this.#statements.size >= 200) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        return this.#execute<R>(compiled);
      } catch (err) {
        const busy = err instanceof OsnetError && err.code === 'OSNET_ERR_STORE_CONFLICT';
        if (!busy || this.#db.isTransaction || Date.now() >= deadline) throw err;
      }
      await sleep(wait);
    }
  }

  #execute<R>(compiled: CompiledQuery): QueryResult<R> {
    try {
      const stmt = this.#prepare(compiled.sql);
      const params = compiled.parameters.map(bind);
      // a statement that yields columns (SELECT, PRAGMA, ... RETURNING) is read; any other is run
      if (stmt.columns().length > 0) return { rows: stmt.all(...params) as R[] };
      const { changes, lastInsertRowid } = stmt.run(...params);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    } catch (err) {
      throw mapStoreError(err);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const stmt = this.#prepare(compiled.sql);
    try {
      for (const row of stmt.iterate(...compiled.parameters.map(bind))) yield { rows: [row as R] };
    } catch (err) {
      throw mapStoreError(err);
    }
  }

  /** Drops cached statements (before close). */
  reset(): void {
    this.#statements.clear();
  }
}
