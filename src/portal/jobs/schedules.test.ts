// Schedules on both stores: one replica per turn (the lease), schedule runs visible as jobs with
// progress queueing tenant pulls, and the stuck cleanup.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EngineFixture, engineFixture } from '../../testing/portal/engine.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid } from '../store/index.ts';
import { enqueue } from './queue.ts';
import { cleanStuck, takeTurn } from './schedules.ts';

describeStores('portal schedules', (ctx) => {
  let f: EngineFixture;
  before(async () => {
    f = await engineFixture(ctx.url);
  });
  after(() => f.close());

  it('one turn per interval, whichever replica asks', async () => {
    const name = `t-${newUuid().slice(0, 6)}`;
    const won = await Promise.all(
      Array.from({ length: 8 }, (_, i) => takeTurn(f.store, name, `replica-${i % 2}`, 400)),
    );
    assert.equal(won.filter(Boolean).length, 1);
    assert.equal(await takeTurn(f.store, name, 'replica-0', 400), undefined);
    await sleep(450);
    assert.ok(await takeTurn(f.store, name, 'replica-1', 400));
  });

  it('two replicas running schedules: runs of one schedule are an interval apart, each a job with progress', async () => {
    const intervals = {
      quotas: 3600_000,
      resources: 300,
      subresources: 3600_000,
      properties: 3600_000,
      stuck: 3600_000,
    };
    const t = await f.tenant('scheduled');
    const started = new Date().toISOString();
    const a = await engineFixture(ctx.url, { store: f.store, schedules: intervals, scheduleTickMs: 50 });
    const b = await engineFixture(ctx.url, { store: f.store, schedules: intervals, scheduleTickMs: 50 });
    await sleep(1100);
    await a.close();
    await b.close();
    const runsOf = () =>
      f.store.db
        .selectFrom('portal_jobs')
        .selectAll()
        .where('kind', '=', 'schedule')
        .where('operation', '=', 'resources')
        .where('created', '>=', started)
        .execute();
    // the fixture's own runner finishes what the two stopped replicas left queued
    await f.until('schedule runs done', async () => (await runsOf()).every((r) => r.state === 'DONE'));
    const runs = (await runsOf()).sort((x, y) =>
      JSON.parse(x.payload).turn.localeCompare(JSON.parse(y.payload).turn),
    );
    assert.ok(runs.length >= 2, `${runs.length} runs`);
    const turns = runs.map((r) => Date.parse(JSON.parse(r.payload).turn));
    for (let i = 1; i < turns.length; i++)
      assert.ok(turns[i]! - turns[i - 1]! >= 300, 'never two in one turn');
    for (const r of runs) assert.match(r.progress, /^\d+\/\d+ tenant pulls queued$/);
    const pulls = await f.jobs(t.uuid);
    assert.ok(pulls.some((j) => j.operation === 'pull' && JSON.parse(j.payload).schedule === 'resources'));
  });

  it('stuck cleanup errs a transitional resource with no job, and leaves one whose job is queued', async () => {
    const t = await f.tenant('stuck');
    const old = new Date(Date.now() - 7200_000).toISOString();
    const stuck = {
      ...t,
      uuid: newUuid(),
      kind: 'networks',
      tenant_uuid: t.uuid,
      state: 'CREATING',
      modified: old,
    };
    const waiting = { ...stuck, uuid: newUuid() };
    await f.store.db.insertInto('portal_resources').values([stuck, waiting]).execute();
    await enqueue(f.store.db, {
      kind: 'networks',
      operation: 'create',
      resource_uuid: waiting.uuid,
      run_after: new Date(Date.now() + 3600_000).toISOString(),
    });
    assert.equal(await cleanStuck(f.engine.deps, 3600_000), 1);
    const s = await f.row(stuck.uuid);
    assert.equal(s?.state, 'ERRED');
    assert.match(s!.error_message, /stuck in CREATING/);
    assert.equal((await f.row(waiting.uuid))?.state, 'CREATING');
  });
});
