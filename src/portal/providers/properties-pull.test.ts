/**
 * The properties schedule (the seed's daily pull, shortened here) with the real wiring and the lab as the
 * cloud, on both stores: in dynamic storage mode it brings the offering's volume type components in step
 * with the lab's Cinder (a type gone from Cinder is dropped, the lab's type is offered), and the run is a
 * job whose progress says how many providers it pulled.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMPUTE_SKIP, LAB_VOLUME_TYPE } from '../../testing/openstack/compute-lab.ts';
import { OFFERINGS, providerWorld } from '../../testing/portal/providers.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { realWiring } from '../jobs/wiring.ts';
import { tenantComponents } from './components.ts';

describeStores('the properties schedule', (ctx) => {
  let wiring: ReturnType<typeof realWiring> | undefined;
  const hour = 3600_000;
  const w = providerWorld(() => ctx.url, {
    engine: (store, secrets) => {
      wiring = realWiring(store, secrets, {
        options: {
          schedules: { quotas: hour, resources: hour, subresources: hour, properties: 500, stuck: hour },
          scheduleTickMs: 100,
          runner: { pollMs: 50 },
        },
      });
      return wiring;
    },
  });
  before(() => w.open());
  after(async () => {
    await w.close();
    await wiring?.close();
  });

  it("volume types follow the lab's Cinder without anyone asking", { skip: COMPUTE_SKIP }, async () => {
    const offering = w.ok(
      await w.call('POST', OFFERINGS, {
        token: w.users.ownerA,
        body: w.body({ plugin_options: { storage_mode: 'dynamic' } }),
      }),
      201,
    ).uuid;
    const stale = tenantComponents(
      'dynamic',
      ['gone'],
      [{ type: 'volume_type_gone', max_value: 5, default_limit: 1 }],
    );
    const staled = new Date().toISOString();
    await w.p.store.db
      .updateTable('portal_offerings')
      .set({ components: JSON.stringify(stale) })
      .where('uuid', '=', offering)
      .execute();
    const typesOf = async () =>
      (
        w.ok(await w.call('GET', `${OFFERINGS}${offering}/`, { token: w.users.ownerA }), 200).components as {
          type: string;
        }[]
      ).map((c) => c.type);
    assert.deepEqual(
      (await typesOf()).filter((t) => t.startsWith('volume_type_')),
      ['volume_type_gone'],
    );
    let types: string[] = [];
    for (let i = 0; i < 600; i++) {
      types = await typesOf();
      if (!types.includes('volume_type_gone')) break;
      await sleep(50);
    }
    assert.ok(types.includes(`volume_type_${LAB_VOLUME_TYPE}`), types.join(', '));
    assert.ok(!types.includes('volume_type_gone'), types.join(', '));
    const runs = await w.p.store.db
      .selectFrom('portal_jobs')
      .selectAll()
      .where('kind', '=', 'schedule')
      .where('operation', '=', 'properties')
      .where('state', '=', 'DONE')
      .where('created', '>=', staled)
      .execute();
    assert.ok(
      runs.some(
        (r) =>
          /^1\/1 providers' properties pulled/.test(r.progress) ||
          /^1 providers' properties pulled; /.test(r.progress),
      ),
      runs.map((r) => r.progress).join(' | '),
    );
  });
});
