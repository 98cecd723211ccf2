/**
 * A dialect decorator that maps native failures (pg's SQLSTATE errors) to the store's typed errors on every
 * statement, COMMIT included (a serialization failure may surface there). The embedded store's connection
 * maps its own, so only PostgreSQL needs this layer.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { mapStoreError } from './errors.ts';

class MappingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  constructor(inner: DatabaseConnection) {
    this.inner = inner;
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(compiled);
    } catch (err) {
      throw mapStoreError(err);
    }
  }
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiled, chunkSize);
    } catch (err) {
      throw mapStoreError(err);
    }
  }
}

type Compile = QueryCompiler['compileQuery'];

// The inner driver gets its own connection objects back (pg's driver releases clients through them).
const unwrap = (c: DatabaseConnection) => (c instanceof MappingConnection ? c.inner : c);

class MappingDriver implements Driver {
  readonly #inner: Driver;
  constructor(inner: Driver) {
    this.#inner = inner;
  }
  async init(): Promise<void> {
    try {
      await this.#inner.init();
    } catch (err) {
      throw mapStoreError(err);
    }
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    try {
      return new MappingConnection(await this.#inner.acquireConnection());
    } catch (err) {
      throw mapStoreError(err);
    }
  }
  async #run(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      throw mapStoreError(err);
    }
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#run(() => this.#inner.beginTransaction(unwrap(c), settings));
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return this.#run(() => this.#inner.commitTransaction(unwrap(c)));
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return this.#run(() => this.#inner.rollbackTransaction(unwrap(c)));
  }
  savepoint(c: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    return this.#run(() => this.#inner.savepoint!(unwrap(c), name, compile));
  }
  rollbackToSavepoint(c: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    return this.#run(() => this.#inner.rollbackToSavepoint!(unwrap(c), name, compile));
  }
  releaseSavepoint(c: DatabaseConnection, name: string, compile: Compile): Promise<void> {
    return this.#run(() => this.#inner.releaseSavepoint!(unwrap(c), name, compile));
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(c));
  }
  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

export class MappingDialect implements Dialect {
  readonly #inner: Dialect;
  constructor(inner: Dialect) {
    this.#inner = inner;
  }
  createDriver(): Driver {
    return new MappingDriver(this.#inner.createDriver());
  }
  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own signature
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
}
