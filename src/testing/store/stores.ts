/**
 * One test body, run on both stores: `describeStores(name, (ctx) => { it(...) })` declares the suite twice,
 * `[sqlite]` and `[postgres]`. Each gets a fresh location before its tests (a new file in a new temporary
 * directory; a new database on the lab's PostgreSQL) and `ctx.fresh()` makes more; all are removed after.
 * PostgreSQL missing fails the suite: the store tests must run on both (`scripts/lab/up` starts it).
 *
 * @example
 *   describeStores('policy repo', (ctx) => {
 *     it('opens', async () => { const repo = await openPolicyRepo({ url: ctx.url }); await repo.close(); });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

export interface StoreContext {
  readonly kind: StoreKind;
  /** The suite's own store URL (valid once the suite's `before` ran, i.e. inside tests and hooks). */
  readonly url: string;
  /** Another fresh, empty store of the same kind, removed after the suite. */
  fresh(): Promise<string>;
}

/** The lab's PostgreSQL URL: OSNET_TEST_PG_URL, else $OSNET_LAB_DIR/pg.url (written by scripts/lab/up). */
export async function labPostgresUrl(): Promise<string> {
  if (process.env.OSNET_TEST_PG_URL) return process.env.OSNET_TEST_PG_URL;
  const file = join(process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab', 'pg.url');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new Error(
      `PostgreSQL for the store tests: ${file} is missing (run scripts/lab/up): ${(err as Error).message}`,
    );
  }
}

/** `url` with its database replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await labPostgresUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

interface Locations {
  make(): Promise<string>;
  removeAll(): Promise<void>;
}

function sqliteLocations(): Locations {
  const dirs: string[] = [];
  return {
    async make() {
      const dir = await mkdtemp(join(tmpdir(), 'osnet-store-'));
      dirs.push(dir);
      return `sqlite:${join(dir, 'store.db')}`;
    },
    async removeAll() {
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

function postgresLocations(): Locations {
  const databases: string[] = [];
  return {
    async make() {
      const name = `osnet_t_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`create database ${name}`));
      databases.push(name);
      return withDatabase(await labPostgresUrl(), name);
    },
    async removeAll() {
      const names = databases.splice(0);
      if (names.length === 0) return;
      // WITH (FORCE): a pool a failed test left open must not keep its database alive
      await admin(async (c) => {
        for (const n of names) await c.query(`drop database if exists ${n} with (force)`);
      });
    },
  };
}

/** A fresh store of `kind` outside a suite (benchmarks, scripts): its URL and how to remove it. */
export async function freshStore(kind: StoreKind): Promise<{ url: string; remove(): Promise<void> }> {
  const locations = kind === 'sqlite' ? sqliteLocations() : postgresLocations();
  return { url: await locations.make(), remove: () => locations.removeAll() };
}

export function describeStores(name: string, fn: (ctx: StoreContext) => void): void {
  for (const kind of STORE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      const locations = kind === 'sqlite' ? sqliteLocations() : postgresLocations();
      let url: string | undefined;
      const ctx: StoreContext = {
        kind,
        get url() {
          if (url === undefined)
            throw new Error('ctx.url is set in the suite’s before hook: use it inside tests');
          return url;
        },
        fresh: () => locations.make(),
      };
      before(async () => {
        url = await locations.make();
      });
      fn(ctx);
      // after the body's own after hooks (hooks run in the order they are declared): a store the body
      // still uses in its teardown (a job runner stopping) is dropped only once that teardown is done
      after(() => locations.removeAll());
    });
  }
}
