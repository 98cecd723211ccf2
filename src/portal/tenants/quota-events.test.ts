/**
 * Quota changes in the audit log, on both stores over the fake cloud: Waldur's
 * `openstack_tenant_quota_limit_updated`, one event per limit that changed (quota_name, limit,
 * old_limit), with the user who asked for a `set_quotas` and for a pull that found a limit changed in
 * OpenStack; unchanged limits and a tenant's first quotas log nothing. Filtered by type and resource.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { secretBox } from '../../lib/secret-box.ts';
import { type Answer, type TestPortal, testPortal } from '../../testing/portal/client.ts';
import { FakeCloud } from '../../testing/portal/fake-backend.ts';
import { fakeEngine } from '../../testing/portal/fake-engine.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid } from '../store/index.ts';

describeStores('quota change events', (ctx) => {
  let p: TestPortal;
  let staff: string;
  let owner: string;
  let ownerUuid: string;
  const cloud = new FakeCloud();
  const provider = newUuid();
  const answers: Answer[] = [];
  let tenant: { uuid: string; backend_id: string };

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await p.api(method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(r);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const until = async (pred: () => Promise<boolean>) => {
    for (let i = 0; i < 400 && !(await pred()); i++) await sleep(25);
    assert.ok(await pred(), 'condition not reached');
  };
  const quotaEvents = () =>
    call(
      'GET',
      `/api/events/?resource_uuid=${tenant.uuid}&event_type=openstack_tenant_quota_limit_updated&page_size=100`,
      staff,
    ) as Promise<
      {
        username: string | null;
        user_uuid: string | null;
        message: string;
        context: Record<string, unknown>;
      }[]
    >;
  const jobDone = async (job: string) =>
    until(async () => ['DONE', 'ERRED'].includes((await call('GET', `/api/jobs/${job}/`, staff)).state));

  before(async () => {
    p = await testPortal(ctx.url, {
      secrets: secretBox(Buffer.alloc(32, 6)),
      engine: fakeEngine(cloud, provider),
    });
    staff = await p.login('admin', p.adminPassword);
    const org = (await call('POST', '/api/customers/', staff, { name: 'org' })).uuid;
    ownerUuid = (await call('POST', '/api/users/', staff, { username: 'owner', password: 'pw-owner-1' }))
      .uuid;
    owner = await p.login('owner', 'pw-owner-1');
    await call('POST', `/api/customers/${org}/add_user/`, staff, { user: ownerUuid, role: 'CUSTOMER.OWNER' });
    const project = (await call('POST', '/api/projects/', staff, { name: 'p', customer: org })).uuid;
    const t = await call('POST', '/api/openstack-tenants/', owner, {
      name: 'quota-tenant',
      project,
      service_settings: provider,
      quotas: { vcpu: 8, ram: 1024 },
    });
    await until(async () => {
      const b = await call('GET', `/api/openstack-tenants/${t.uuid}/`, staff);
      return b.state === 'OK' && Array.isArray(b.quotas) && b.quotas.length > 0;
    });
    tenant = await call('GET', `/api/openstack-tenants/${t.uuid}/`, staff);
  });
  after(() => p.close());

  it("a tenant's first quotas are not a change", async () => {
    assert.deepEqual(await quotaEvents(), []);
  });

  it('set_quotas logs each changed limit with the user who asked', async () => {
    await call('POST', `/api/openstack-tenants/${tenant.uuid}/set_quotas/`, owner, { vcpu: 16, ram: 1024 });
    await until(async () => (await quotaEvents()).length > 0);
    await until(
      async () => (await call('GET', `/api/openstack-tenants/${tenant.uuid}/`, staff)).state === 'OK',
    );
    const events = await quotaEvents();
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.deepEqual(
      [events[0]!.context.quota_name, events[0]!.context.old_limit, events[0]!.context.limit],
      ['vcpu', 8, 16],
    );
    assert.equal(events[0]!.user_uuid, ownerUuid);
    assert.match(
      events[0]!.message,
      /vcpu quota limit has been changed from 8 to 16 for tenant quota-tenant/,
    );
  });

  it('a pull that finds a limit changed in OpenStack logs it; one that finds none logs nothing', async () => {
    cloud.projects.get(tenant.backend_id)!.quotas.ram = 2048;
    await jobDone((await call('POST', `/api/openstack-tenants/${tenant.uuid}/pull/`, owner)).job);
    const events = await quotaEvents();
    assert.equal(events.length, 2, JSON.stringify(events));
    assert.deepEqual(
      [events[0]!.context.quota_name, events[0]!.context.old_limit, events[0]!.context.limit],
      ['ram', 1024, 2048],
    );
    assert.equal(events[0]!.username, 'owner');
    await jobDone((await call('POST', `/api/openstack-tenants/${tenant.uuid}/pull/`, owner)).job);
    assert.equal((await quotaEvents()).length, 2);
  });

  it('every answer conforms to the served document', async () => {
    for (const a of answers) await p.conform(a);
  });
});
