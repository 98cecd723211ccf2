// What only the embedded store has to get right: its file (modes, WAL, foreign keys) and transactions that
// serialize on its one connection.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type Migration, openStore, type Store } from '../index.ts';

interface DB {
  counter: { id: number; n: number };
}

const MIGRATIONS: Migration[] = [
  {
    name: '0001_counter',
    async up(db) {
      await db.schema
        .createTable('counter')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('n', 'integer', (c) => c.notNull())
        .execute();
      await db.insertInto('counter').values({ id: 1, n: 0 }).execute();
    },
  },
];

describe('embedded store (node:sqlite)', () => {
  let dir: string;
  let file: string;
  let store: Store<DB>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osnet-sqlite-'));
    file = join(dir, 'state', 'sub', 'store.db');
    store = await openStore<DB>({ url: `sqlite:${file}`, migrations: MIGRATIONS });
  });
  after(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates its directory 0700 and its file 0600, WAL files included', async () => {
    await store.db.updateTable('counter').set({ n: 0 }).execute();
    assert.equal((await stat(join(dir, 'state', 'sub'))).mode & 0o777, 0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      assert.equal((await stat(f)).mode & 0o777, 0o600, f);
  });

  it('runs in WAL mode with foreign keys on', async () => {
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    assert.equal(mode.rows[0]?.journal_mode, 'wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
    assert.equal(fk.rows[0]?.foreign_keys, 1);
  });

  it('concurrent read-modify-write transactions serialize: no update is lost', async () => {
    const bump = () =>
      store.db.transaction().execute(async (trx) => {
        const { n } = await trx
          .selectFrom('counter')
          .select('n')
          .where('id', '=', 1)
          .executeTakeFirstOrThrow();
        // yield to the event loop mid-transaction: another transaction would interleave here if it could
        await new Promise((r) => setImmediate(r));
        await trx
          .updateTable('counter')
          .set({ n: n + 1 })
          .where('id', '=', 1)
          .execute();
      });
    await store.db.updateTable('counter').set({ n: 0 }).execute();
    await Promise.all(Array.from({ length: 20 }, bump));
    const { n } = await store.db.selectFrom('counter').select('n').executeTakeFirstOrThrow();
    assert.equal(n, 20);
  });

  it('a failed transaction rolls back whole and frees the connection for the next caller', async () => {
    await store.db.updateTable('counter').set({ n: 5 }).execute();
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await trx.updateTable('counter').set({ n: 6 }).execute();
        throw new Error('stop');
      }),
      /stop/,
    );
    const { n } = await store.db.selectFrom('counter').select('n').executeTakeFirstOrThrow();
    assert.equal(n, 5);
  });

  it('another process sees committed writes only (WAL readers are not blocked by a writer)', async () => {
    const reader = new DatabaseSync(file, { readOnly: true });
    try {
      await store.db.updateTable('counter').set({ n: 7 }).execute();
      let seenInside: unknown;
      await store.db.transaction().execute(async (trx) => {
        await trx.updateTable('counter').set({ n: 8 }).execute();
        seenInside = reader.prepare('select n from counter').get()?.n;
      });
      assert.equal(seenInside, 7);
      assert.equal(reader.prepare('select n from counter').get()?.n, 8);
    } finally {
      reader.close();
    }
  });
});
