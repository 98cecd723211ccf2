/**
 * What the job engine calls on offerings, on both stores with the lab as the cloud: the volume type
 * components follow Cinder, tenant quotas are checked against the components, per-tenant Instance and
 * Volume offerings are made once (and hold their provider's deletion back, as its tenants do), the
 * provider's flags.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { COMPUTE_SKIP, LAB_VOLUME_TYPE } from '../../testing/openstack/compute-lab.ts';
import { OFFERINGS, providerWorld } from '../../testing/portal/providers.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { openProviderCloud } from '../backend/provider-cloud.ts';
import { tenantComponents } from './components.ts';
import { checkTenantQuotas } from './quota-limits.ts';
import { providerFlags } from './settings.ts';
import { createTenantOfferings } from './tenant-offerings.ts';
import { syncVolumeTypeComponents } from './volume-types.ts';

describeStores('offerings for the engine', (ctx) => {
  const w = providerWorld(() => ctx.url);
  let offering = '';
  before(async () => {
    await w.open();
    const mode = COMPUTE_SKIP ? 'fixed' : 'dynamic';
    offering = w.ok(
      await w.call('POST', OFFERINGS, {
        token: w.users.ownerA,
        body: w.body({
          plugin_options: { storage_mode: mode },
          components: [{ type: 'cores', max_value: 64 }],
        }),
      }),
      201,
    ).uuid;
  });
  after(() => w.close());

  it('the volume type components follow Cinder (the daily sync)', { skip: COMPUTE_SKIP }, async () => {
    const stale = [{ type: 'volume_type_gone', max_value: 5, default_limit: 1 }];
    await w.p.store.db
      .updateTable('portal_offerings')
      .set({ components: JSON.stringify(tenantComponents('dynamic', ['gone'], stale)) })
      .where('uuid', '=', offering)
      .execute();
    const cloud = await openProviderCloud(w.lab);
    try {
      assert.ok(
        (await syncVolumeTypeComponents(w.p.store, w.p.secrets, offering, cloud))?.includes(LAB_VOLUME_TYPE),
      );
    } finally {
      await cloud.close();
    }
    const got = w.ok(await w.call('GET', `${OFFERINGS}${offering}/`, { token: w.users.ownerA }), 200);
    const types = got.components.map((c: { type: string }) => c.type);
    assert.ok(types.includes(`volume_type_${LAB_VOLUME_TYPE}`));
    assert.ok(!types.includes('volume_type_gone'));
  });

  it("tenant quotas are checked against the offering's components, naming the field", async () => {
    const o = w.ok(
      await w.call('POST', `${OFFERINGS}?validate=false`, {
        token: w.users.ownerA,
        body: w.body({ components: [{ type: 'cores', max_value: 64 }] }),
      }),
      201,
    );
    const field = (q: Record<string, number>) =>
      checkTenantQuotas(w.p.store, o.uuid, q, 'body').then(
        () => 'accepted',
        (e: unknown) => (e instanceof OsnetError ? e.field : String(e)),
      );
    assert.equal(await field({ vcpu: 64, port_count: -1, network_count: 3 }), 'accepted');
    assert.equal(await field({ vcpu: 65 }), 'body.vcpu');
    assert.equal(await field({ vcpu: -1 }), 'body.vcpu');
    assert.equal(await field({ storage: 10 * 1024 * 1024 + 1 }), 'body.storage');
    assert.equal(await field({ [`gigabytes_${LAB_VOLUME_TYPE}`]: 1 }), `body.gigabytes_${LAB_VOLUME_TYPE}`);
    assert.equal(await field({ cpus: 1 }), 'body.cpus');
    w.ok(await w.call('DELETE', `${OFFERINGS}${o.uuid}/`, { token: w.users.ownerA }), 204);
  });

  it('per-tenant Instance and Volume offerings are made once; delete waits for them', async () => {
    const tenant = 'a'.repeat(32);
    const input = {
      parentUuid: offering,
      tenantUuid: tenant,
      tenantName: 'team',
      customerUuid: w.orgs.A!,
      projectUuid: w.projectA,
    };
    const made = await createTenantOfferings(w.p.store.db, input);
    assert.deepEqual(
      made.map((o) => [o.type, o.name]),
      [
        ['OpenStack.Instance', 'Virtual machine in team'],
        ['OpenStack.Volume', 'Volume in team'],
      ],
    );
    assert.deepEqual(
      (await createTenantOfferings(w.p.store.db, input)).map((o) => o.uuid),
      made.map((o) => o.uuid),
    );
    const mine = w.ok(
      await w.call('GET', `${OFFERINGS}?scope_uuid=${tenant}`, { token: w.users.memberA }),
      200,
    );
    assert.equal(mine.length, 2);
    assert.equal(
      (await w.call('GET', `${OFFERINGS}?scope_uuid=${tenant}`, { token: w.users.ownerB })).body.length,
      0,
    );
    const r = await w.call('DELETE', `${OFFERINGS}${offering}/`, { token: w.users.ownerA });
    assert.equal(r.status, 409);
    for (const o of made)
      w.ok(await w.call('DELETE', `${OFFERINGS}${o.uuid}/`, { token: w.users.ownerA }), 204);
    w.ok(await w.call('DELETE', `${OFFERINGS}${offering}/`, { token: w.users.ownerA }), 204);
    assert.equal((await w.call('GET', `${OFFERINGS}${offering}/`, { token: w.staff })).status, 404);
  });

  it('an offering with tenants on it is not deleted (409 naming how many), for staff neither', async () => {
    const o = w.ok(
      await w.call('POST', `${OFFERINGS}?validate=false`, {
        token: w.users.ownerA,
        body: w.body({ plugin_options: { automatically_create_private_offering: false } }),
      }),
      201,
    );
    const at = new Date().toISOString();
    const tenants = ['c', 'd'].map((ch) => ({
      uuid: ch.repeat(32),
      kind: 'tenants',
      tenant_uuid: null,
      project_uuid: w.projectA,
      customer_uuid: w.orgs.A!,
      provider_uuid: o.uuid,
      offering_uuid: o.uuid,
      parent_uuid: null,
      name: `t-${ch}`,
      description: '',
      state: ch === 'c' ? 'OK' : 'DELETION_SCHEDULED',
      runtime_state: '',
      backend_id: `project-${ch}`,
      error_message: '',
      action: '',
      fields: '{}',
      secrets: null,
      backend_missing_since: null,
      created: at,
      modified: at,
    }));
    await w.p.store.db.insertInto('portal_resources').values(tenants).execute();
    for (const token of [w.users.ownerA, w.staff]) {
      const r = await w.call('DELETE', `${OFFERINGS}${o.uuid}/`, { token });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'OSNET_ERR_PORTAL_STATE');
      assert.match(r.body.error.message, /has resources: 2 tenants/);
    }
    w.ok(await w.call('GET', `${OFFERINGS}${o.uuid}/`, { token: w.staff }), 200);
    await w.p.store.db.deleteFrom('portal_resources').where('uuid', '=', tenants[0]!.uuid).execute();
    const one = await w.call('DELETE', `${OFFERINGS}${o.uuid}/`, { token: w.staff });
    assert.match(one.body.error.message, /has resources: 1 tenant \(/);
    await w.p.store.db.deleteFrom('portal_resources').where('uuid', '=', tenants[1]!.uuid).execute();
    w.ok(await w.call('DELETE', `${OFFERINGS}${o.uuid}/`, { token: w.users.ownerA }), 204);
  });

  it('the provider flag turns per-tenant offerings off', async () => {
    const o = w.ok(
      await w.call('POST', `${OFFERINGS}?validate=false`, {
        token: w.staff,
        body: w.body({ plugin_options: { automatically_create_private_offering: false } }),
      }),
      201,
    );
    const none = await createTenantOfferings(w.p.store.db, {
      parentUuid: o.uuid,
      tenantUuid: 'b'.repeat(32),
      tenantName: 'team2',
      customerUuid: w.orgs.A!,
      projectUuid: w.projectA,
    });
    assert.deepEqual(none, []);
    assert.deepEqual(await providerFlags(w.p.store, o.uuid), {
      tenant_credentials_visible: false,
      automatically_create_private_offering: false,
    });
    const shown = w.ok(
      await w.call('PATCH', `${OFFERINGS}${o.uuid}/?validate=false`, {
        token: w.staff,
        body: { plugin_options: { tenant_credentials_visible: true } },
      }),
      200,
    );
    assert.equal(shown.plugin_options.automatically_create_private_offering, false);
    assert.equal((await providerFlags(w.p.store, o.uuid)).tenant_credentials_visible, true);
  });

  it('every answer matches the served document', async () => {
    for (const a of w.answers) await w.p.conform(a);
  });
});
