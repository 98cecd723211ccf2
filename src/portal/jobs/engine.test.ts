// The job engine over the fakes (faults on demand) on both stores: states, retries, ERRED with the
// OpenStack message and request id, recovery by retry, leases taken over after a dead process, the
// per-provider limit, deletes, actions, progress and sealed secrets.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { secretBox } from '../../lib/secret-box.ts';
import { type EngineFixture, engineFixture } from '../../testing/portal/engine.ts';
import { badRequest, FakeCloud, fakeScope, serviceUnavailable } from '../../testing/portal/fake-backend.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid } from '../store/index.ts';
import { enqueue } from './queue.ts';

describeStores('portal job engine', (ctx) => {
  let f: EngineFixture;
  before(async () => {
    f = await engineFixture(ctx.url);
  });
  after(() => f.close());

  it('a create runs as a job: CREATION_SCHEDULED → OK with the backend id, one job DONE, an event', async () => {
    const t = await f.tenant();
    const n = await f.order('networks', t, { name: 'net-a', mtu: 1400 });
    const row = await f.settled(n.uuid);
    assert.equal(row?.state, 'OK');
    assert.match(row!.backend_id!, /^networks-/);
    assert.deepEqual(JSON.parse(row!.fields), { mtu: 1400 });
    const [job] = await f.jobs(n.uuid);
    assert.equal(job!.state, 'DONE');
    assert.equal(job!.attempt, 1);
    const ev = await f.store.db
      .selectFrom('portal_events')
      .selectAll()
      .where('resource_uuid', '=', n.uuid)
      .execute();
    assert.deepEqual(
      ev.map((e) => e.event_type),
      ['resource_creation_succeeded'],
    );
  });

  it('retriable faults (503) are retried with backoff and then succeed', async () => {
    const t = await f.tenant();
    f.cloud.failNext('networks.create', serviceUnavailable(), 2);
    const n = await f.order('networks', t, { name: 'net-retry' });
    const row = await f.settled(n.uuid);
    assert.equal(row?.state, 'OK');
    assert.equal(row?.error_message, '');
    const [job] = await f.jobs(n.uuid);
    assert.equal(job!.attempt, 3);
    assert.equal(f.cloud.of('networks', t.backend_id!).length, 1);
    const ev = await f.store.db
      .selectFrom('portal_events')
      .selectAll()
      .where('resource_uuid', '=', n.uuid)
      .orderBy('created')
      .execute();
    assert.deepEqual(
      ev.map((e) => e.event_type),
      [
        'resource_creation_retry_scheduled',
        'resource_creation_retry_scheduled',
        'resource_creation_succeeded',
      ],
    );
    assert.match(ev[0]!.message, /req-fake-503/);
  });

  it('retriable faults past the attempt limit: ERRED with the message and request id; a retry recovers it', async () => {
    const t = await f.tenant();
    f.cloud.failAlways('networks.create', serviceUnavailable());
    const n = await f.order('networks', t, { name: 'net-down' });
    const row = await f.settled(n.uuid);
    assert.equal(row?.state, 'ERRED');
    assert.match(row!.error_message, /fake: service unavailable \(request req-fake-503\)/);
    assert.equal((await f.jobs(n.uuid))[0]!.attempt, 4);
    const ev = await f.store.db
      .selectFrom('portal_events')
      .selectAll()
      .where('resource_uuid', '=', n.uuid)
      .execute();
    assert.deepEqual(
      ev.map((e) => e.event_type).filter((t) => t !== 'resource_creation_retry_scheduled'),
      ['resource_creation_failed'],
    );
    f.cloud.clear('networks.create');
    await f.queue(row!, 'create', { spec: { name: 'net-down' } });
    const again = await f.settled(n.uuid);
    assert.equal(again?.state, 'OK');
    assert.equal(again?.error_message, '');
    assert.equal(f.cloud.of('networks', t.backend_id!).length, 1);
  });

  it('a fault a retry cannot fix (400) errs at once', async () => {
    const t = await f.tenant();
    f.cloud.failNext('networks.create', badRequest());
    const n = await f.order('networks', t, { name: 'net-bad' });
    const row = await f.settled(n.uuid);
    assert.equal(row?.state, 'ERRED');
    assert.match(row!.error_message, /invalid mtu \(request req-fake-400\)/);
    assert.equal((await f.jobs(n.uuid))[0]!.attempt, 1);
  });

  it('a job whose process died (lease ran out) is taken again; the idempotent create makes no duplicate', async () => {
    const t = await f.tenant();
    const n = await f.order('networks', t, { name: 'placeholder' });
    await f.settled(n.uuid);
    // a second resource as a dead replica left it: claimed, its create sent, never settled
    const dead = {
      ...n,
      uuid: newUuid(),
      name: 'net-orphan',
      state: 'CREATING',
      backend_id: null,
    };
    const spec = { name: 'net-orphan' };
    await f.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('portal_resources').values(dead).execute();
      const j = await enqueue(trx, {
        kind: 'networks',
        operation: 'create',
        resource_uuid: dead.uuid,
        provider_uuid: f.provider,
        payload: { spec },
      });
      await trx
        .updateTable('portal_jobs')
        .set({
          state: 'RUNNING',
          attempt: 1,
          lease_owner: 'dead-replica',
          lease_until: new Date(Date.now() + 300).toISOString(),
        })
        .where('uuid', '=', j.uuid)
        .execute();
    });
    const before = f.cloud.count('networks.create');
    await f.engine.deps.kinds.get('networks')!.backend.create(fakeScope(t.backend_id!), spec, dead.uuid);
    const row = await f.settled(dead.uuid);
    assert.equal(row?.state, 'OK');
    const [job] = await f.jobs(dead.uuid);
    assert.equal(job!.attempt, 2, 'run again by the live runner');
    assert.equal(f.cloud.count('networks.create') - before, 2, 'the dead run and the resumed one');
    assert.equal(f.cloud.of('networks', t.backend_id!).filter((o) => o.marker === dead.uuid).length, 1);
  });

  it('at most 2 (the default) create jobs per provider run at once', async () => {
    const t = await f.tenant();
    const release = f.cloud.hold('networks.create');
    const rows = [];
    for (let i = 0; i < 4; i++) rows.push(await f.order('networks', t, { name: `lim-${i}` }));
    await f.cloud.held('networks.create', 2);
    await sleep(300); // several polls: a third would have been claimed by now
    assert.equal(f.cloud.maxConcurrent.get('networks.create'), 2);
    release();
    for (const r of rows) assert.equal((await f.settled(r.uuid))?.state, 'OK');
  });

  it('an action stores the record the backend answers; a delete removes the resource and its sub-resources', async () => {
    const t = await f.tenant();
    const n = await f.order('networks', t, { name: 'net-del' });
    const net = (await f.settled(n.uuid))!;
    await f.queue(net, 'action', { action: 'set_mtu', body: { mtu: 1300 } });
    const changed = await f.settled(n.uuid);
    assert.equal(changed?.state, 'OK');
    assert.equal(JSON.parse(changed!.fields).mtu, 1300);
    const s = await f.order('subnets', t, { name: 'sub', network: net.backend_id }, net);
    await f.settled(s.uuid);
    await f.queue(net, 'delete');
    await f.until('network gone', async () => (await f.row(n.uuid)) === undefined);
    assert.equal(await f.row(s.uuid), undefined);
    assert.equal(f.cloud.objects.has(net.backend_id!), false);
  });

  it('a tenant create reports its progress, seals the generated password and queues the initial pull', async () => {
    const at = new Date().toISOString();
    const t = {
      ...(await f.tenant('base')),
      uuid: newUuid(),
      backend_id: null,
      state: 'CREATION_SCHEDULED',
      name: 'ordered',
      created: at,
    };
    await f.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('portal_resources').values(t).execute();
      await enqueue(trx, {
        kind: 'tenants',
        operation: 'create',
        resource_uuid: t.uuid,
        provider_uuid: f.provider,
        payload: {
          spec: {
            name: 'ordered',
            description: '',
            project_name: 'ordered',
            subnet_cidr: '192.168.42.0/24',
            quotas: {},
            skip_connection_extnet: false,
            user_username: 'ordered-user',
          },
        },
      });
    });
    f.engine.deps.wake();
    const row = (await f.settled(t.uuid))!;
    assert.equal(row.state, 'OK');
    const jobs = await f.jobs(t.uuid);
    assert.deepEqual(
      jobs.map((j) => [j.operation, j.state]),
      [
        ['create', 'DONE'],
        ['pull', 'DONE'],
      ],
    );
    assert.equal(jobs[0]!.progress, 'network');
    assert.ok(row.secrets && !row.secrets.includes(`pw-${row.backend_id}`));
    const box = secretBox(Buffer.alloc(32, 7));
    assert.deepEqual(JSON.parse(box.open(row.secrets, row.uuid)), { password: `pw-${row.backend_id}` });
    assert.equal(JSON.parse(row.fields).user_username, 'ordered-user');
  });
  it('a stop does not wait for a hung backend call: the job is left to its lease and runs again elsewhere', async () => {
    const url = await ctx.fresh();
    const cloud = new FakeCloud();
    const a = await engineFixture(url, { cloud });
    const t = await a.tenant();
    const release = cloud.hold('networks.create');
    const n = await a.order('networks', t, { name: 'net-hung' });
    await cloud.held('networks.create');
    const t0 = Date.now();
    await a.engine.stop(100);
    assert.ok(Date.now() - t0 < 5000, 'stop returned without the hung call');
    const [left] = await a.jobs(n.uuid);
    assert.equal(left!.state, 'RUNNING');
    await a.store.close();
    release();
    const b = await engineFixture(url, { cloud, provider: a.provider });
    try {
      const row = await b.settled(n.uuid);
      assert.equal(row?.state, 'OK');
      assert.equal((await b.jobs(n.uuid))[0]!.attempt, 2);
      assert.equal(cloud.of('networks').length, 1);
    } finally {
      await b.close();
    }
  });
});
