/**
 * Provider offerings on both stores, through real HTTP, with the lab as the cloud: an owner registers the
 * lab (the connection is checked), the secret options are sealed in the row and appear in no answer and no
 * event; bad settings are 400s naming the field with nothing written; the isolation matrix (another
 * organisation: 404; a member: 403); changing settings; per-tenant offerings; delete; every answer
 * checked against the served document.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { COMPUTE_SKIP, LAB_VOLUME_TYPE } from '../../testing/openstack/compute-lab.ts';
import { type Answer, type TestPortal, testPortal } from '../../testing/portal/client.ts';
import { labProviderSettings } from '../../testing/portal/provider.ts';
import { describeStores } from '../../testing/store/stores.ts';
import type { ProviderSettings } from '../backend/contract.ts';
import { openProviderCloud } from '../backend/provider-cloud.ts';
import { tenantComponents } from './components.ts';
import { checkTenantQuotas } from './quota-limits.ts';
import { loadProviderSettings, providerFlags } from './settings.ts';
import { createTenantOfferings } from './tenant-offerings.ts';
import { syncVolumeTypeComponents } from './volume-types.ts';

const BASE = '/api/marketplace-provider-offerings/';

describeStores('provider offerings', (ctx) => {
  let p: TestPortal;
  let staff: string;
  let lab: ProviderSettings;
  const answers: Answer[] = [];
  const call = async (...a: Parameters<TestPortal['api']>) => {
    const r = await p.api(...a);
    answers.push(r);
    return r;
  };
  const ok = (r: Answer, status: number) => {
    assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const users: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  let projectA = '';
  let offering = '';

  const secretOptions = () => ({
    backend_url: lab.backend_url,
    username: lab.username,
    password: lab.password,
    tenant_name: lab.tenant_name,
    domain: 'default',
  });
  const body = (over: Record<string, unknown> = {}) => ({
    customer: orgs.A,
    name: 'lab cloud',
    type: 'OpenStack.Tenant',
    secret_options: secretOptions(),
    plugin_options: { default_internal_network_mtu: 1400, storage_mode: 'fixed', api_timeout: 30 },
    ...over,
  });
  const rows = async () => (await p.store.db.selectFrom('portal_offerings').select('uuid').execute()).length;

  before(async () => {
    lab = await labProviderSettings();
    p = await testPortal(ctx.url);
    staff = await p.login('admin', p.adminPassword);
    for (const org of ['A', 'B'])
      orgs[org] = ok(
        await call('POST', '/api/customers/', { token: staff, body: { name: `org ${org}` } }),
        201,
      ).uuid;
    for (const name of ['ownerA', 'memberA', 'ownerB']) {
      const u = ok(
        await call('POST', '/api/users/', {
          token: staff,
          body: { username: name, password: `pw-${name}-123` },
        }),
        201,
      );
      users[name] = await p.login(name, `pw-${name}-123`);
      users[`${name}:uuid`] = u.uuid;
    }
    const grant = async (kind: string, scope: string, user: string, role: string) =>
      ok(
        await call('POST', `/api/${kind}/${scope}/add_user/`, {
          token: staff,
          body: { user: users[`${user}:uuid`], role },
        }),
        201,
      );
    await grant('customers', orgs.A!, 'ownerA', 'CUSTOMER.OWNER');
    await grant('customers', orgs.B!, 'ownerB', 'CUSTOMER.OWNER');
    projectA = ok(
      await call('POST', '/api/projects/', { token: staff, body: { name: 'pA', customer: orgs.A } }),
      201,
    ).uuid;
    await grant('projects', projectA, 'memberA', 'PROJECT.MEMBER');
  });
  after(() => p?.close());

  it('an owner registers the lab: connection checked, secrets sealed in the row, never answered', async () => {
    const made = ok(await call('POST', BASE, { token: users.ownerA, body: body() }), 201);
    offering = made.uuid;
    assert.equal(made.type, 'OpenStack.Tenant');
    assert.equal(made.customer_uuid, orgs.A);
    assert.deepEqual(made.secret_options_set, [
      'backend_url',
      'domain',
      'password',
      'tenant_name',
      'username',
    ]);
    assert.equal(made.secret_options, undefined);
    assert.deepEqual(
      made.components.map((c: { type: string; default_limit: number }) => [c.type, c.default_limit]),
      [
        ['cores', 20],
        ['ram', 51200],
        ['storage', 1048576],
      ],
    );
    const got = ok(await call('GET', `${BASE}${offering}/`, { token: users.ownerA }), 200);
    const listed = ok(await call('GET', BASE, { token: users.ownerA }), 200);
    for (const a of [made, got, listed])
      assert.ok(!JSON.stringify(a).includes(lab.password), 'password answered');
    const row = await p.store.db
      .selectFrom('portal_offerings')
      .selectAll()
      .where('uuid', '=', offering)
      .executeTakeFirstOrThrow();
    assert.ok(!row.secret_options.includes(lab.password), 'the password is stored in plain text');
    assert.ok(!row.secret_options.includes(lab.username), 'the username is stored in plain text');
    const settings = await loadProviderSettings(p.store, p.secrets, offering);
    assert.equal(settings.password, lab.password);
    assert.equal(settings.default_internal_network_mtu, 1400);
    assert.equal(settings.verify_ssl, true);
    assert.equal(settings.api_timeout, 30);
    // moved to another row, the sealed value no longer opens
    assert.throws(() => p.secrets.open(row.secret_options, orgs.A));
    const events = await p.store.db.selectFrom('portal_events').selectAll().execute();
    assert.ok(events.some((e) => e.event_type === 'offering_creation_succeeded'));
    assert.ok(!JSON.stringify(events).includes(lab.password), 'the password is in an event');
  });

  it('bad settings are 400s naming the field, with nothing written', async () => {
    const before = await rows();
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-pw`;
    const cases: [Record<string, unknown>, string][] = [
      [
        { plugin_options: { default_internal_network_mtu: 67 } },
        'body.plugin_options.default_internal_network_mtu',
      ],
      [
        { plugin_options: { default_internal_network_mtu: 9001 } },
        'body.plugin_options.default_internal_network_mtu',
      ],
      [{ plugin_options: { storage_mode: 'tiered' } }, 'body.plugin_options.storage_mode'],
      [
        { secret_options: { ...secretOptions(), backend_url: 'keystone' } },
        'body.secret_options.backend_url',
      ],
      [{ secret_options: { username: 'admin', password: 'x' } }, 'body.secret_options.backend_url'],
      [{ secret_options: { ...secretOptions(), password: wrong } }, 'body.secret_options.password'],
      [
        { secret_options: { ...secretOptions(), external_network_id: '0'.repeat(32) } },
        'body.secret_options.external_network_id',
      ],
      [{ components: [{ type: 'gpu', max_value: 4 }] }, 'body.components[0].type'],
      [{ type: 'OpenStack.Volume' }, 'body.type'],
    ];
    for (const [over, field] of cases) {
      const r = await call('POST', BASE, { token: users.ownerA, body: body(over) });
      assert.equal(
        r.status >= 400 && r.status < 500,
        true,
        `${field}: ${r.status} ${JSON.stringify(r.body)}`,
      );
      assert.equal(r.body.error.field, field, JSON.stringify(r.body));
      assert.ok(!JSON.stringify(r.body).includes(wrong));
    }
    assert.equal(await rows(), before);
    const events = await p.store.db.selectFrom('portal_events').select('context').execute();
    assert.ok(!JSON.stringify(events).includes(wrong), 'a refused password is in an event');
  });

  it('another organisation sees nothing (404); a member sees but may not change (403)', async () => {
    assert.equal((await call('GET', `${BASE}${offering}/`, { token: users.ownerB })).status, 404);
    assert.equal(
      (await call('PATCH', `${BASE}${offering}/`, { token: users.ownerB, body: { name: 'x' } })).status,
      404,
    );
    assert.equal((await call('DELETE', `${BASE}${offering}/`, { token: users.ownerB })).status, 404);
    assert.deepEqual(ok(await call('GET', BASE, { token: users.ownerB }), 200), []);
    const r = await call('POST', `${BASE}?validate=false`, { token: users.ownerB, body: body() });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'body.customer');
    assert.equal(ok(await call('GET', `${BASE}${offering}/`, { token: users.memberA }), 200).uuid, offering);
    assert.equal(
      (await call('PATCH', `${BASE}${offering}/`, { token: users.memberA, body: { name: 'x' } })).status,
      403,
    );
    assert.equal(
      (await call('POST', `${BASE}?validate=false`, { token: users.memberA, body: body() })).status,
      403,
    );
    assert.equal((await call('GET', BASE)).status, 401);
  });

  it('changes keep the other secrets; a wrong new password is refused and nothing changes', async () => {
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-pw`;
    const before = await p.store.db
      .selectFrom('portal_offerings')
      .selectAll()
      .where('uuid', '=', offering)
      .executeTakeFirstOrThrow();
    const r = await call('PATCH', `${BASE}${offering}/`, {
      token: users.ownerA,
      body: { name: 'renamed', secret_options: { password: wrong } },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'body.secret_options.password');
    const same = await p.store.db
      .selectFrom('portal_offerings')
      .selectAll()
      .where('uuid', '=', offering)
      .executeTakeFirstOrThrow();
    assert.deepEqual(same, before);
    const changed = ok(
      await call('PATCH', `${BASE}${offering}/`, {
        token: users.ownerA,
        body: {
          name: 'renamed',
          plugin_options: { api_timeout: 20 },
          components: [{ type: 'cores', max_value: 64 }],
        },
      }),
      200,
    );
    assert.equal(changed.name, 'renamed');
    assert.equal(changed.plugin_options.api_timeout, 20);
    assert.equal(changed.plugin_options.default_internal_network_mtu, 1400);
    assert.equal(changed.components.find((c: { type: string }) => c.type === 'cores').max_value, 64);
    const s = await loadProviderSettings(p.store, p.secrets, offering);
    assert.equal(s.password, lab.password);
    assert.equal(s.api_timeout, 20);
  });

  it('dynamic storage mode offers one component per Cinder volume type instead of storage', {
    skip: COMPUTE_SKIP,
  }, async () => {
    const changed = ok(
      await call('PATCH', `${BASE}${offering}/`, {
        token: users.ownerA,
        body: { plugin_options: { storage_mode: 'dynamic' } },
      }),
      200,
    );
    const types = changed.components.map((c: { type: string }) => c.type);
    assert.ok(types.includes(`volume_type_${LAB_VOLUME_TYPE}`), types.join());
    assert.ok(!types.includes('storage'));
    assert.equal(changed.components.find((c: { type: string }) => c.type === 'cores').max_value, 64);
  });

  it('the volume type components follow Cinder (the daily sync)', { skip: COMPUTE_SKIP }, async () => {
    const stale = [{ type: 'volume_type_gone', max_value: 5, default_limit: 1 }];
    await p.store.db
      .updateTable('portal_offerings')
      .set({ components: JSON.stringify(tenantComponents('dynamic', ['gone'], stale)) })
      .where('uuid', '=', offering)
      .execute();
    const cloud = await openProviderCloud(lab);
    try {
      assert.ok(
        (await syncVolumeTypeComponents(p.store, p.secrets, offering, cloud))?.includes(LAB_VOLUME_TYPE),
      );
    } finally {
      await cloud.close();
    }
    const got = ok(await call('GET', `${BASE}${offering}/`, { token: users.ownerA }), 200);
    const types = got.components.map((c: { type: string }) => c.type);
    assert.ok(types.includes(`volume_type_${LAB_VOLUME_TYPE}`));
    assert.ok(!types.includes('volume_type_gone'));
  });

  it("tenant quotas are checked against the offering's components, naming the field", async () => {
    const o = ok(
      await call('POST', `${BASE}?validate=false`, {
        token: users.ownerA,
        body: body({ components: [{ type: 'cores', max_value: 64 }] }),
      }),
      201,
    );
    const field = (q: Record<string, number>) =>
      checkTenantQuotas(p.store, o.uuid, q, 'body').then(
        () => 'accepted',
        (e: unknown) => (e instanceof OsnetError ? e.field : String(e)),
      );
    assert.equal(await field({ vcpu: 64, port_count: -1, network_count: 3 }), 'accepted');
    assert.equal(await field({ vcpu: 65 }), 'body.vcpu');
    assert.equal(await field({ vcpu: -1 }), 'body.vcpu');
    assert.equal(await field({ storage: 10 * 1024 * 1024 + 1 }), 'body.storage');
    assert.equal(await field({ [`gigabytes_${LAB_VOLUME_TYPE}`]: 1 }), `body.gigabytes_${LAB_VOLUME_TYPE}`);
    assert.equal(await field({ cpus: 1 }), 'body.cpus');
    ok(await call('DELETE', `${BASE}${o.uuid}/`, { token: users.ownerA }), 204);
  });

  it('per-tenant Instance and Volume offerings are made once; delete waits for them', async () => {
    const tenant = 'a'.repeat(32);
    const input = {
      parentUuid: offering,
      tenantUuid: tenant,
      tenantName: 'team',
      customerUuid: orgs.A!,
      projectUuid: projectA,
    };
    const made = await createTenantOfferings(p.store.db, input);
    assert.deepEqual(
      made.map((o) => [o.type, o.name]),
      [
        ['OpenStack.Instance', 'Virtual machine in team'],
        ['OpenStack.Volume', 'Volume in team'],
      ],
    );
    assert.deepEqual(
      (await createTenantOfferings(p.store.db, input)).map((o) => o.uuid),
      made.map((o) => o.uuid),
    );
    const mine = ok(await call('GET', `${BASE}?scope_uuid=${tenant}`, { token: users.memberA }), 200);
    assert.equal(mine.length, 2);
    assert.equal((await call('GET', `${BASE}?scope_uuid=${tenant}`, { token: users.ownerB })).body.length, 0);
    const r = await call('DELETE', `${BASE}${offering}/`, { token: users.ownerA });
    assert.equal(r.status, 409);
    for (const o of made) ok(await call('DELETE', `${BASE}${o.uuid}/`, { token: users.ownerA }), 204);
    ok(await call('DELETE', `${BASE}${offering}/`, { token: users.ownerA }), 204);
    assert.equal((await call('GET', `${BASE}${offering}/`, { token: staff })).status, 404);
  });

  it('the provider flag turns per-tenant offerings off', async () => {
    const o = ok(
      await call('POST', `${BASE}?validate=false`, {
        token: staff,
        body: body({ plugin_options: { automatically_create_private_offering: false } }),
      }),
      201,
    );
    const none = await createTenantOfferings(p.store.db, {
      parentUuid: o.uuid,
      tenantUuid: 'b'.repeat(32),
      tenantName: 'team2',
      customerUuid: orgs.A!,
      projectUuid: projectA,
    });
    assert.deepEqual(none, []);
    assert.deepEqual(await providerFlags(p.store, o.uuid), {
      tenant_credentials_visible: false,
      automatically_create_private_offering: false,
    });
    const shown = ok(
      await call('PATCH', `${BASE}${o.uuid}/?validate=false`, {
        token: staff,
        body: { plugin_options: { tenant_credentials_visible: true } },
      }),
      200,
    );
    assert.equal(shown.plugin_options.automatically_create_private_offering, false);
    assert.equal((await providerFlags(p.store, o.uuid)).tenant_credentials_visible, true);
  });

  it('every answer matches the served document', async () => {
    for (const a of answers) await p.conform(a);
  });
});
