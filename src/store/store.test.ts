// The shared store on both dialects: migrations (idempotent, concurrent), typed errors, health, close.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Generated, type Kysely, sql } from 'kysely';
import { OsnetError } from '../lib/errors.ts';
import { describeStores } from '../testing/store/stores.ts';
import { type Migration, openStore } from './index.ts';

interface DB {
  items: { id: string; n: Generated<number> };
  refs: { item: string };
  runs: { migration: string };
}

// each migration records that it ran: a second run would show up as a second row
const MIGRATIONS: Migration[] = [
  {
    name: '0001_items',
    async up(db) {
      await db.schema
        .createTable('items')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('n', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createTable('runs').addColumn('migration', 'varchar(64)').execute();
      await db.insertInto('runs').values({ migration: '0001_items' }).execute();
    },
  },
  {
    name: '0002_refs',
    async up(db) {
      await db.schema
        .createTable('refs')
        .addColumn('item', 'varchar(64)', (c) => c.notNull().references('items.id'))
        .execute();
      await db.insertInto('runs').values({ migration: '0002_refs' }).execute();
    },
  },
];

async function thrown(p: Promise<unknown>): Promise<OsnetError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OsnetError, `not an OsnetError: ${err}`);
    return err;
  }
  assert.fail('did not throw');
}

async function runs(db: Kysely<DB>): Promise<string[]> {
  return (await db.selectFrom('runs').select('migration').orderBy('migration').execute()).map(
    (r) => r.migration,
  );
}

describeStores('store', (ctx) => {
  it('opens with its kind, runs migrations once, and a reopen applies nothing', async () => {
    const a = await openStore<DB>({ url: ctx.url, migrations: MIGRATIONS });
    assert.equal(a.kind, ctx.kind);
    assert.deepEqual(await runs(a.db), ['0001_items', '0002_refs']);
    await a.close();
    const b = await openStore<DB>({ url: ctx.url, migrations: MIGRATIONS });
    assert.deepEqual(await runs(b.db), ['0001_items', '0002_refs']);
    await b.close();
  });

  it('a later migration added to the list runs on the next open, the earlier ones do not', async () => {
    const url = await ctx.fresh();
    const first = await openStore<DB>({ url, migrations: MIGRATIONS.slice(0, 1) });
    assert.deepEqual(await runs(first.db), ['0001_items']);
    await first.close();
    const second = await openStore<DB>({ url, migrations: MIGRATIONS });
    assert.deepEqual(await runs(second.db), ['0001_items', '0002_refs']);
    await second.close();
  });

  it('four opens at once on a fresh store (replicas starting together) each run every migration once in all', async () => {
    const url = await ctx.fresh();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore<DB>({ url, migrations: MIGRATIONS })));
    assert.deepEqual(await runs(stores[0]!.db), ['0001_items', '0002_refs']);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('a unique violation is OSNET_ERR_STORE_UNIQUE, a dangling reference OSNET_ERR_STORE_REFERENCED', async () => {
    const s = await openStore<DB>({ url: ctx.url, migrations: MIGRATIONS });
    try {
      await s.db.insertInto('items').values({ id: 'dup' }).execute();
      const dup = await thrown(s.db.insertInto('items').values({ id: 'dup' }).execute());
      assert.equal(dup.code, 'OSNET_ERR_STORE_UNIQUE');
      assert.equal(dup.httpStatus, 409);
      const ref = await thrown(s.db.insertInto('refs').values({ item: 'none' }).execute());
      assert.equal(ref.code, 'OSNET_ERR_STORE_REFERENCED');
      // inside a transaction too, which then rolls back whole
      const inTx = await thrown(
        s.db.transaction().execute(async (trx) => {
          await trx.insertInto('items').values({ id: 'tx-1' }).execute();
          await trx.insertInto('items').values({ id: 'dup' }).execute();
        }),
      );
      assert.equal(inTx.code, 'OSNET_ERR_STORE_UNIQUE');
      assert.equal(
        await s.db.selectFrom('items').select('id').where('id', '=', 'tx-1').executeTakeFirst(),
        undefined,
      );
    } finally {
      await s.close();
    }
  });

  it('check() answers while open and throws once closed; close twice is harmless', async () => {
    const s = await openStore<DB>({ url: ctx.url, migrations: MIGRATIONS });
    await s.check();
    await s.close();
    await s.close();
    assert.equal((await thrown(s.check())).code, 'OSNET_ERR_STORE_UNAVAILABLE');
  });

  it('migrations out of name order are refused before anything runs', async () => {
    const url = await ctx.fresh();
    await assert.rejects(
      openStore<DB>({ url, migrations: [MIGRATIONS[1]!, MIGRATIONS[0]!] }),
      /0001_items must sort after 0002_refs/,
    );
  });

  it('a failing migration names itself and leaves the store openable once fixed', async () => {
    const url = await ctx.fresh();
    const broken: Migration = {
      name: '0002_broken',
      async up(db) {
        await sql`create table broken (`.execute(db);
      },
    };
    const err = await thrown(openStore<DB>({ url, migrations: [MIGRATIONS[0]!, broken] }));
    assert.match(err.message, /0002_broken failed/);
    const s = await openStore<DB>({ url, migrations: MIGRATIONS });
    assert.deepEqual(await runs(s.db), ['0001_items', '0002_refs']);
    await s.close();
  });
});
