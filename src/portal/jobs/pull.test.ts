// Pulls over the fakes on both stores: one list per kind per tenant, imports, field updates that never
// overwrite a transitional state, the missing grace period (marked, cleared when back, removed after it),
// ERRED recovered, and one kind's failure kept to that kind.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EngineFixture, engineFixture } from '../../testing/portal/engine.ts';
import { serviceUnavailable } from '../../testing/portal/fake-backend.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { pullTenant } from './pull.ts';

describeStores('portal pulls', (ctx) => {
  let f: EngineFixture;
  before(async () => {
    f = await engineFixture(ctx.url, { missingGraceMs: 400 });
  });
  after(() => f.close());

  const rows = (tenant: string, kind: string) =>
    f.store.db
      .selectFrom('portal_resources')
      .selectAll()
      .where('tenant_uuid', '=', tenant)
      .where('kind', '=', kind)
      .orderBy('name')
      .execute();

  it('imports what was made in OpenStack (sub-resources under their parent) with one list per kind', async () => {
    const t = await f.tenant();
    const backend = f.engine.deps.kinds;
    const scope = (await import('../../testing/portal/fake-backend.ts')).fakeScope(t.backend_id!);
    const net = await backend.get('networks')!.backend.create(scope, { name: 'outside' }, 'made-outside');
    await backend
      .get('subnets')!
      .backend.create(scope, { name: 'outside-sub', network: net.record.backend_id }, 'm2');
    const lists = f.cloud.count('networks.list') + f.cloud.count('subnets.list');
    const r = await pullTenant(f.engine.deps, t, ['subnets', 'networks']);
    assert.deepEqual(
      r.map((x) => [x.kind, x.imported]),
      [
        ['networks', 1],
        ['subnets', 1],
      ],
    );
    assert.equal(f.cloud.count('networks.list') + f.cloud.count('subnets.list') - lists, 2);
    const [n] = await rows(t.uuid, 'networks');
    const [s] = await rows(t.uuid, 'subnets');
    assert.equal(n!.state, 'OK');
    assert.equal(s!.parent_uuid, n!.uuid);
    // a second pull changes nothing
    const again = await pullTenant(f.engine.deps, t, ['networks', 'subnets']);
    assert.deepEqual(
      again.map((x) => x.imported + x.updated),
      [0, 0],
    );
  });

  it('updates OK resources, leaves transitional ones alone, and recovers an ERRED one that exists', async () => {
    const t = await f.tenant();
    const a = (await f.settled((await f.order('networks', t, { name: 'a' })).uuid))!;
    const b = (await f.settled((await f.order('networks', t, { name: 'b' })).uuid))!;
    const c = (await f.settled((await f.order('networks', t, { name: 'c' })).uuid))!;
    for (const x of [a, b, c]) f.cloud.objects.get(x.backend_id!)!.fields.mtu = 1234;
    await f.store.db
      .updateTable('portal_resources')
      .set({ state: 'UPDATING' })
      .where('uuid', '=', b.uuid)
      .execute();
    await f.store.db
      .updateTable('portal_resources')
      .set({ state: 'ERRED', error_message: 'old failure' })
      .where('uuid', '=', c.uuid)
      .execute();
    await pullTenant(f.engine.deps, t, ['networks']);
    const [ra, rb, rc] = await rows(t.uuid, 'networks');
    assert.equal(JSON.parse(ra!.fields).mtu, 1234);
    assert.equal(rb!.state, 'UPDATING');
    assert.equal(JSON.parse(rb!.fields).mtu, undefined);
    assert.equal(rc!.state, 'OK');
    assert.equal(rc!.error_message, '');
  });

  it('a create in flight is matched by its marker, not imported twice', async () => {
    const t = await f.tenant();
    const release = f.cloud.hold('networks.create');
    const n = await f.order('networks', t, { name: 'inflight' });
    await f.cloud.held('networks.create');
    // the object exists in OpenStack (the create's request went through) while the job still runs
    f.cloud.objects.set('net-inflight', {
      kind: 'networks',
      project: t.backend_id!,
      marker: n.uuid,
      backend_id: 'net-inflight',
      name: 'inflight',
      description: '',
      fields: {},
    });
    await pullTenant(f.engine.deps, t, ['networks']);
    const during = await rows(t.uuid, 'networks');
    release();
    assert.deepEqual(
      during.map((r) => [r.uuid, r.state]),
      [[n.uuid, 'CREATING']],
    );
    assert.equal((await f.settled(n.uuid))?.backend_id, 'net-inflight', 'the create found it by its marker');
    assert.equal((await rows(t.uuid, 'networks')).length, 1);
  });

  it('missing objects are marked, cleared when they come back, and removed only after the grace period', async () => {
    const t = await f.tenant();
    const n = (await f.settled((await f.order('networks', t, { name: 'gone' })).uuid))!;
    const obj = f.cloud.objects.get(n.backend_id!)!;
    f.cloud.objects.delete(n.backend_id!);
    await pullTenant(f.engine.deps, t, ['networks']);
    const marked = await f.row(n.uuid);
    assert.ok(marked?.backend_missing_since);
    assert.equal(marked?.state, 'OK');
    f.cloud.objects.set(obj.backend_id, obj);
    await pullTenant(f.engine.deps, t, ['networks']);
    assert.equal((await f.row(n.uuid))?.backend_missing_since, null);
    f.cloud.objects.delete(n.backend_id!);
    await pullTenant(f.engine.deps, t, ['networks']);
    await pullTenant(f.engine.deps, t, ['networks']);
    assert.ok(await f.row(n.uuid), 'still within the grace period');
    await sleep(450);
    await pullTenant(f.engine.deps, t, ['networks']);
    assert.equal(await f.row(n.uuid), undefined);
  });

  it('one kind failing is recorded on that kind; the others are pulled and the tenant stays OK', async () => {
    const t = await f.tenant();
    const scope = (await import('../../testing/portal/fake-backend.ts')).fakeScope(t.backend_id!);
    await f.engine.deps.kinds.get('networks')!.backend.create(scope, { name: 'n-ok' }, 'x1');
    f.cloud.failAlways('subnets.list', serviceUnavailable());
    try {
      const job = await f.queue(t, 'pull');
      await f.settled(t.uuid);
      const done = (await f.jobs(t.uuid)).find((j) => j.uuid === job.uuid)!;
      assert.equal(done.state, 'ERRED');
      assert.match(done.error, /^subnets: .*req-fake-503/);
      assert.equal((await f.row(t.uuid))?.state, 'OK');
      assert.equal((await rows(t.uuid, 'networks')).length, 1);
      const pulls = await f.store.db
        .selectFrom('portal_pulls')
        .selectAll()
        .where('tenant_uuid', '=', t.uuid)
        .orderBy('kind')
        .execute();
      assert.deepEqual(
        pulls.map((p) => [p.kind, p.error !== '', p.pulled !== null]),
        [
          ['networks', false, true],
          ['subnets', true, false],
        ],
      );
    } finally {
      f.cloud.clear('subnets.list');
    }
  });
});
