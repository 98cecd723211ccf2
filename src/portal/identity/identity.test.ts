import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeStores } from '../../testing/store/stores.ts';
import { bootstrapStaff } from '../bootstrap.ts';
import { openPortalStore, type PortalStore } from '../store/index.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { issueToken, tokenDigest, userOfToken } from './tokens.ts';

it('hashes passwords with a salt of their own and checks them', async () => {
  const [a, b] = [await hashPassword('same password'), await hashPassword('same password')];
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('same password', a), true);
  assert.equal(await verifyPassword('same passwore', a), false);
  assert.equal(await verifyPassword('', ''), false, 'no stored hash never matches');
  assert.equal(await verifyPassword('x', 'garbage'), false);
});

describeStores('portal tokens', (ctx) => {
  let store: PortalStore;
  let user: string;
  before(async () => {
    store = await openPortalStore({ url: ctx.url });
    user = (await bootstrapStaff(store, { username: 'admin', password: 'long enough' })).uuid;
  });
  after(() => store?.close());

  it('stores only the digest, expires tokens, and refuses those of inactive users', async () => {
    const t = await issueToken(store.db, user);
    assert.equal(t.expires, null);
    assert.equal((await userOfToken(store.db, t.key))?.uuid, user);
    const row = await store.db
      .selectFrom('portal_tokens')
      .selectAll()
      .where('digest', '=', tokenDigest(t.key))
      .executeTakeFirst();
    assert.ok(row && !JSON.stringify(row).includes(t.key));
    const old = await issueToken(store.db, user, { lifetimeSeconds: 60, now: new Date(Date.now() - 61_000) });
    assert.equal(await userOfToken(store.db, old.key), undefined);
    assert.equal(
      (
        await store.db
          .selectFrom('portal_tokens')
          .select('digest')
          .where('digest', '=', tokenDigest(old.key))
          .execute()
      ).length,
      0,
      'an expired token is removed',
    );
    const fresh = await issueToken(store.db, user, { lifetimeSeconds: 60 });
    assert.equal((await userOfToken(store.db, fresh.key))?.uuid, user);
    await store.db.updateTable('portal_users').set({ is_active: 0 }).where('uuid', '=', user).execute();
    assert.equal(await userOfToken(store.db, t.key), undefined);
    await store.db.updateTable('portal_users').set({ is_active: 1 }).where('uuid', '=', user).execute();
  });

  it('bootstrap refuses a second staff user and --force resets the password and revokes tokens', async () => {
    const t = await issueToken(store.db, user);
    await assert.rejects(bootstrapStaff(store, { username: 'second' }), { code: 'OSNET_ERR_PORTAL_EXISTS' });
    await assert.rejects(bootstrapStaff(store, { username: 'admin', password: 'short', force: true }), {
      field: 'password',
    });
    const r = await bootstrapStaff(store, { username: 'admin', force: true });
    assert.equal(r.uuid, user);
    assert.equal(r.generated, true);
    assert.equal(await userOfToken(store.db, t.key), undefined);
    const u = await store.db
      .selectFrom('portal_users')
      .selectAll()
      .where('uuid', '=', user)
      .executeTakeFirstOrThrow();
    assert.equal(await verifyPassword(r.password, u.password), true);
    assert.equal((await store.db.selectFrom('portal_users').select('uuid').execute()).length, 1);
  });
});
