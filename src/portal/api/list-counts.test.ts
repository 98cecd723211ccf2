/**
 * Organisation and event lists on both stores with migration 0006's kept totals: staff's
 * `X-Result-Count` equals a real count after creates and deletes (through the API and straight into the
 * store, as the triggers see every writer), filtered lists still count for real, deep pages hold the
 * rows of the full order, and an owner's events are its own plus its organisation's, once each.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type TestPortal, testPortal } from '../../testing/portal/client.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid } from '../store/index.ts';

describeStores('portal organisation and event list counts', (ctx) => {
  let p: TestPortal;
  let staff: string;

  const get = async (path: string, token = staff) => {
    const r = await p.api('GET', path, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { count: Number(r.headers.get('x-result-count')), body: r.body as { uuid: string }[] };
  };
  const real = async (table: 'portal_customers' | 'portal_events') =>
    Number(
      (
        await p.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    p = await testPortal(ctx.url);
    staff = await p.login('admin', p.adminPassword);
  });
  after(() => p?.close());

  it('staff totals follow creates and deletes, by the API and straight into the store', async () => {
    const made: string[] = [];
    for (const i of [0, 1, 2]) {
      const r = await p.api('POST', '/api/customers/', { token: staff, body: { name: `org ${i}` } });
      made.push(r.body.uuid);
    }
    const at = new Date().toISOString();
    const direct = Array.from({ length: 12 }, (_, i) => ({
      uuid: newUuid(),
      name: `direct ${String(i).padStart(2, '0')}`,
      abbreviation: '',
      email: '',
      created: at,
      modified: at,
    }));
    await p.store.db.insertInto('portal_customers').values(direct).execute();
    const check = async () => {
      assert.equal((await get('/api/customers/')).count, await real('portal_customers'));
      assert.equal((await get('/api/events/')).count, await real('portal_events'));
    };
    await check();
    assert.equal((await get('/api/customers/')).count, 15);
    assert.equal((await p.api('DELETE', `/api/customers/${made[1]}/`, { token: staff })).status, 204);
    await p.store.db.deleteFrom('portal_customers').where('uuid', '=', direct[0]!.uuid).execute();
    await check();
    assert.equal((await get('/api/customers/')).count, 13);
    // a filtered list counts its own rows
    assert.equal((await get('/api/customers/?name=org%202')).count, 1);
    assert.equal((await get('/api/events/?event_type=customer_deletion_succeeded')).count, 1);
  });

  it('deep pages of organisations and events hold the rows of the full order', async () => {
    const all = async (path: string, order: (a: string, b: string) => number, key: string) => {
      const rows = await p.store.db
        .selectFrom(path === 'customers' ? 'portal_customers' : 'portal_events')
        .select(['uuid', key === 'name' ? 'name as k' : 'created as k'])
        .execute();
      return rows
        .sort((a, b) => order(a.k, b.k) || (order === asc ? asc(a.uuid, b.uuid) : asc(b.uuid, a.uuid)))
        .map((r) => r.uuid);
    };
    const asc = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const desc = (a: string, b: string) => asc(b, a);
    for (const [path, order, key] of [
      ['customers', asc, 'name'],
      ['events', desc, 'created'],
    ] as const) {
      const want = await all(path, order, key);
      const seen: string[] = [];
      for (let n = 1; (n - 1) * 4 < want.length; n++)
        seen.push(...(await get(`/api/${path}/?page=${n}&page_size=4`)).body.map((r) => r.uuid));
      assert.deepEqual(seen, want, path);
      // and by Link next from page 1 (keyset cursors after it)
      const walked: string[] = [];
      let next: string | undefined = `/api/${path}/?page_size=4`;
      while (next !== undefined) {
        const r = await p.api('GET', next, { token: staff });
        walked.push(...(r.body as { uuid: string }[]).map((x) => x.uuid));
        const n = /<([^>]+)>; rel="next"/.exec(r.headers.get('link') ?? '')?.[1];
        next = n?.slice(p.base.length);
      }
      assert.deepEqual(walked, want, `${path} by Link next`);
    }
  });

  it("an owner's events: its own and its organisation's, each once", async () => {
    const org = (await p.api('POST', '/api/customers/', { token: staff, body: { name: 'owned' } })).body.uuid;
    const u = (
      await p.api('POST', '/api/users/', {
        token: staff,
        body: { username: 'own1', password: 'pw-own1-123' },
      })
    ).body.uuid;
    await p.api('POST', `/api/customers/${org}/add_user/`, {
      token: staff,
      body: { user: u, role: 'CUSTOMER.OWNER' },
    });
    const owner = await p.login('own1', 'pw-own1-123');
    // one event both its own and its organisation's (counted once), one only its own
    assert.equal(
      (await p.api('PATCH', `/api/customers/${org}/`, { token: owner, body: { name: 'owned 2' } })).status,
      200,
    );
    const at = new Date().toISOString();
    await p.store.db
      .insertInto('portal_events')
      .values({
        uuid: newUuid(),
        created: at,
        event_type: 'elsewhere',
        message: 'not about the organisation',
        user_uuid: u,
        username: 'own1',
        resource_type: null,
        resource_uuid: null,
        customer_uuid: null,
        context: '{}',
      })
      .execute();
    const want = await p.store.db
      .selectFrom('portal_events')
      .select('uuid')
      .where((eb) => eb.or([eb('user_uuid', '=', u), eb('customer_uuid', '=', org)]))
      .execute();
    const got = await get('/api/events/?page_size=300', owner);
    assert.equal(got.count, want.length);
    assert.deepEqual(got.body.map((r) => r.uuid).sort(), want.map((r) => r.uuid).sort());
    assert.ok(want.length >= 3, `the owner's events: ${want.length}`);
  });
});
