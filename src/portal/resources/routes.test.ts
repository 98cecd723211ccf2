/**
 * The generic resource routes and the tenant routes on both stores, through real HTTP, over the fake
 * cloud: ordering a tenant, kinds inside it (POST, the tenant's create_network, a network's
 * create_subnet), the isolation matrix (404 across organisations, 403 for members, 400 naming a
 * reference the caller cannot see), state checks (409), failures ERRED with the OpenStack message and
 * recovered by retry, quotas, jobs, events, deletes, and every answer checked against the served
 * OpenAPI document, itself validated.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { validate } from '@readme/openapi-parser';
import { secretBox } from '../../lib/secret-box.ts';
import { type Answer, type TestPortal, testPortal } from '../../testing/portal/client.ts';
import {
  badRequest,
  FakeCloud,
  fakeProviders,
  fakeTenantBackend,
} from '../../testing/portal/fake-backend.ts';
import { fakeKinds } from '../../testing/portal/fake-kinds.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid } from '../store/index.ts';

describeStores('portal resource routes', (ctx) => {
  let p: TestPortal;
  let staff: string;
  const cloud = new FakeCloud();
  const provider = newUuid();
  const answers: Answer[] = [];
  const users: Record<string, { uuid: string; token: string }> = {};
  const orgs: Record<string, string> = {};
  const projects: Record<string, string> = {};
  let tenant: Record<string, string>;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await p.api(method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(r);
    return r;
  };
  const ok = (r: Answer, status: number) => {
    assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const until = async (path: string, token: string, pred: (b: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const r = await call('GET', path, token);
      if (r.status === 200 && pred(r.body)) return r.body;
      if (r.status === 404 && pred({ gone: true })) return undefined;
      await sleep(25);
    }
    throw new Error(`${path}: condition not reached`);
  };

  before(async () => {
    p = await testPortal(ctx.url, {
      secrets: secretBox(Buffer.alloc(32, 3)),
      engine: {
        providers: fakeProviders([provider], { showCredentials: true }),
        tenants: fakeTenantBackend(cloud),
        kinds: fakeKinds(cloud),
        options: {
          schedules: false,
          runner: { pollMs: 20, backoff: { baseMs: 20, maxMs: 50 }, maxAttempts: 2 },
        },
      },
    });
    staff = await p.login('admin', p.adminPassword);
    for (const org of ['A', 'B'])
      orgs[org] = ok(await call('POST', '/api/customers/', staff, { name: `org ${org}` }), 201).uuid;
    for (const name of ['ownerA', 'managerA', 'memberA', 'ownerB']) {
      const u = ok(
        await call('POST', '/api/users/', staff, { username: name, password: `pw-${name}-123` }),
        201,
      );
      users[name] = { uuid: u.uuid, token: await p.login(name, `pw-${name}-123`) };
    }
    const grant = (kind: string, scope: string, user: string, role: string) =>
      call('POST', `/api/${kind}/${scope}/add_user/`, staff, { user: users[user]!.uuid, role });
    await grant('customers', orgs.A!, 'ownerA', 'CUSTOMER.OWNER');
    await grant('customers', orgs.B!, 'ownerB', 'CUSTOMER.OWNER');
    for (const org of ['A', 'B'])
      projects[org] = ok(
        await call('POST', '/api/projects/', staff, { name: `p${org}`, customer: orgs[org] }),
        201,
      ).uuid;
    await grant('projects', projects.A!, 'managerA', 'PROJECT.MANAGER');
    await grant('projects', projects.A!, 'memberA', 'PROJECT.MEMBER');
  });
  after(() => p.close());

  const tok = (u: string) => users[u]!.token;

  it('an owner orders a tenant: 202 CREATION_SCHEDULED, then OK; the password only for those who may change it', async () => {
    const r = ok(
      await call('POST', '/api/openstack-tenants/', tok('ownerA'), {
        name: 'tenant one',
        project: `${p.base}/api/projects/${projects.A}/`,
        service_settings: provider,
        quotas: { vcpu: 8, network_count: 5 },
      }),
      202,
    );
    assert.equal(r.state, 'CREATION_SCHEDULED');
    assert.equal(r.project_uuid, projects.A);
    assert.equal(r.customer_uuid, orgs.A);
    assert.equal(r.service_settings_uuid, provider);
    assert.equal(r.resource_type, 'OpenStack.Tenant');
    assert.match(r.user_username, /^tenant-one-[0-9a-f]{6}$/);
    tenant = (await until(
      `/api/openstack-tenants/${r.uuid}/`,
      tok('ownerA'),
      (b) => b.state === 'OK',
    )) as Record<string, string>;
    assert.match(tenant.backend_id!, /^project-/);
    assert.equal(tenant.user_password, `pw-${tenant.backend_id}`);
    assert.equal(cloud.projects.get(tenant.backend_id!)?.quotas.vcpu, 8);
    const asMember = ok(await call('GET', `/api/openstack-tenants/${r.uuid}/`, tok('memberA')), 200);
    assert.equal(asMember.user_password, undefined);
    const listed = await call('GET', '/api/openstack-tenants/', tok('ownerA'));
    assert.equal(ok(listed, 200)[0].user_password, undefined, 'never in lists');
  });

  it('isolation: 404 across organisations, 403 for a member, 400 naming a reference the caller cannot see', async () => {
    ok(await call('GET', `/api/openstack-tenants/${tenant.uuid}/`, tok('ownerB')), 404);
    ok(await call('DELETE', `/api/openstack-tenants/${tenant.uuid}/`, tok('ownerB')), 404);
    assert.equal(ok(await call('GET', '/api/openstack-tenants/', tok('ownerB')), 200).length, 0);
    const m = await call('POST', `/api/openstack-tenants/${tenant.uuid}/create_network/`, tok('memberA'), {
      name: 'x',
    });
    assert.equal(ok(m, 403).error.code, 'OSNET_ERR_PERMISSION');
    ok(await call('POST', `/api/openstack-tenants/${tenant.uuid}/pull/`, tok('memberA')), 403);
    const b = await call('POST', '/api/openstack-networks/', tok('ownerB'), {
      name: 'x',
      tenant: tenant.uuid,
    });
    assert.equal(ok(b, 400).error.field, 'body.tenant');
    const o = await call('POST', '/api/openstack-tenants/', tok('ownerB'), {
      name: 't',
      project: projects.A,
      service_settings: provider,
    });
    assert.equal(ok(o, 400).error.field, 'body.project');
    const s = await call('POST', '/api/openstack-tenants/', tok('ownerA'), {
      name: 't',
      project: projects.A,
      service_settings: newUuid(),
    });
    assert.equal(ok(s, 400).error.field, 'body.service_settings');
  });

  it('bad bodies are 400s naming the field, and nothing is written', async () => {
    const before = await p.store.db
      .selectFrom('portal_resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const r1 = await call('POST', `/api/openstack-tenants/${tenant.uuid}/create_network/`, tok('ownerA'), {
      name: 'n',
      mtu: 20,
    });
    assert.equal(ok(r1, 400).error.field, 'body.mtu');
    const r2 = await call('POST', `/api/openstack-tenants/${tenant.uuid}/set_quotas/`, tok('ownerA'), {
      vcpus: 3,
    });
    assert.equal(ok(r2, 400).error.field, 'body.vcpus');
    const r3 = await call('POST', '/api/openstack-tenants/', tok('ownerA'), {
      name: 't',
      project: projects.A,
      service_settings: provider,
      subnet_cidr: '10.0.0.0/99',
    });
    assert.equal(ok(r3, 400).error.field, 'body.subnet_cidr');
    const after = await p.store.db
      .selectFrom('portal_resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  let network: Record<string, string>;
  it('kinds inside the tenant: POST, create_network, create_subnet, filters, PATCH and actions; 409 out of state', async () => {
    const release = cloud.hold('networks.create');
    const a = ok(
      await call('POST', '/api/openstack-networks/', tok('managerA'), { name: 'net-a', tenant: tenant.url }),
      202,
    );
    assert.equal(a.state, 'CREATION_SCHEDULED');
    assert.equal(a.tenant_uuid, tenant.uuid);
    assert.equal(a.tenant_name, 'tenant one');
    await cloud.held('networks.create');
    const early = await call('PATCH', `/api/openstack-networks/${a.uuid}/`, tok('managerA'), { name: 'x' });
    assert.equal(ok(early, 409).error.code, 'OSNET_ERR_PORTAL_STATE');
    release();
    const b = ok(
      await call('POST', `/api/openstack-tenants/${tenant.uuid}/create_network/`, tok('ownerA'), {
        name: 'net-b',
        mtu: 1400,
      }),
      202,
    );
    network = (await until(
      `/api/openstack-networks/${b.uuid}/`,
      tok('ownerA'),
      (x) => x.state === 'OK',
    )) as Record<string, string>;
    assert.equal(network.mtu as unknown, 1400);
    await until(`/api/openstack-networks/${a.uuid}/`, tok('ownerA'), (x) => x.state === 'OK');
    const list = await call(
      'GET',
      `/api/openstack-networks/?tenant_uuid=${tenant.uuid}&name=NET&page_size=1`,
      tok('memberA'),
    );
    assert.equal(ok(list, 200).length, 1);
    assert.equal(list.headers.get('x-result-count'), '2');
    const byBackend = await call(
      'GET',
      `/api/openstack-networks/?backend_id=${network.backend_id}`,
      tok('ownerA'),
    );
    assert.deepEqual(
      ok(byBackend, 200).map((x: { uuid: string }) => x.uuid),
      [network.uuid],
    );
    assert.equal(ok(await call('GET', '/api/openstack-networks/', tok('ownerB')), 200).length, 0);
    const sub = ok(
      await call('POST', `/api/openstack-networks/${network.uuid}/create_subnet/`, tok('ownerA'), {
        name: 's',
        cidr: '10.1.0.0/24',
      }),
      202,
    );
    const subnet = await until(`/api/openstack-subnets/${sub.uuid}/`, tok('ownerA'), (x) => x.state === 'OK');
    assert.equal(subnet!.cidr, '10.1.0.0/24');
    assert.equal(cloud.objects.get(String(subnet!.backend_id))?.parent_backend_id, network.backend_id);
    const patched = ok(
      await call('PATCH', `/api/openstack-networks/${network.uuid}/`, tok('managerA'), { name: 'net-b2' }),
      202,
    );
    assert.equal(patched.state, 'UPDATE_SCHEDULED');
    await until(
      `/api/openstack-networks/${network.uuid}/`,
      tok('ownerA'),
      (x) => x.state === 'OK' && x.name === 'net-b2',
    );
    ok(
      await call('POST', `/api/openstack-networks/${network.uuid}/set_mtu/`, tok('memberA'), { mtu: 1300 }),
      403,
    );
    ok(
      await call('POST', `/api/openstack-networks/${network.uuid}/set_mtu/`, tok('managerA'), { mtu: 1300 }),
      202,
    );
    const after = await until(
      `/api/openstack-networks/${network.uuid}/`,
      tok('ownerA'),
      (x) => x.state === 'OK' && x.mtu === 1300,
    );
    assert.equal(after!.action, 'set_mtu');
    const retry = await call('POST', `/api/openstack-networks/${network.uuid}/retry/`, tok('ownerA'));
    assert.equal(ok(retry, 409).error.code, 'OSNET_ERR_PORTAL_STATE');
  });

  it('a failing create is ERRED with the OpenStack message and request id, audited, and recovered by retry', async () => {
    cloud.failNext('networks.create', badRequest());
    const n = ok(
      await call('POST', `/api/openstack-tenants/${tenant.uuid}/create_network/`, tok('ownerA'), {
        name: 'net-fail',
      }),
      202,
    );
    const erred = await until(
      `/api/openstack-networks/${n.uuid}/`,
      tok('ownerA'),
      (x) => x.state === 'ERRED',
    );
    assert.match(String(erred!.error_message), /fake: invalid mtu \(request req-fake-400\)/);
    const retried = ok(await call('POST', `/api/openstack-networks/${n.uuid}/retry/`, tok('ownerA')), 202);
    assert.match(retried.detail, /create/);
    const back = await until(`/api/openstack-networks/${n.uuid}/`, tok('ownerA'), (x) => x.state === 'OK');
    assert.equal(back!.error_message, '');
    const events = ok(await call('GET', `/api/events/?resource_uuid=${n.uuid}`, tok('ownerA')), 200);
    const types = events.map((e: { event_type: string }) => e.event_type).reverse();
    assert.deepEqual(types, [
      'resource_creation_scheduled',
      'resource_creation_failed',
      'resource_update_scheduled',
      'resource_creation_succeeded',
    ]);
    const jobs = ok(await call('GET', `/api/jobs/?resource_uuid=${n.uuid}`, tok('ownerA')), 200);
    assert.deepEqual(jobs.map((j: { state: string }) => j.state).sort(), ['DONE', 'ERRED']);
    ok(await call('GET', `/api/jobs/${jobs[0].uuid}/`, tok('ownerB')), 404);
    assert.equal(ok(await call('GET', `/api/jobs/?resource_uuid=${n.uuid}`, tok('ownerB')), 200).length, 0);
  });

  it('quotas: set_quotas pushes, quotas shows limits and usage; pull answers its job', async () => {
    ok(
      await call('POST', `/api/openstack-tenants/${tenant.uuid}/set_quotas/`, tok('ownerA'), {
        vcpu: 20,
        ram: 4096,
      }),
      202,
    );
    await until(`/api/openstack-tenants/${tenant.uuid}/`, tok('ownerA'), (x) => x.state === 'OK');
    const q = ok(await call('GET', `/api/openstack-tenants/${tenant.uuid}/quotas/`, tok('memberA')), 200);
    const byName = Object.fromEntries(
      q.map((x: { name: string; limit: number; usage: number }) => [x.name, x]),
    );
    assert.equal(byName.vcpu.limit, 20);
    assert.equal(byName.ram.limit, 4096);
    assert.equal(byName.network_count.usage, 3);
    const pull = ok(await call('POST', `/api/openstack-tenants/${tenant.uuid}/pull/`, tok('ownerA')), 202);
    const job = await until(`/api/jobs/${pull.job}/`, tok('ownerA'), (j) => j.state === 'DONE');
    assert.equal(job!.progress, 'pull quotas');
  });

  it("a resource referring to two tenants (an RBAC policy) goes in its network's tenant", async () => {
    const two = ok(
      await call('POST', '/api/openstack-tenants/', tok('ownerA'), {
        name: 'tenant two',
        project: projects.A,
        service_settings: provider,
      }),
      202,
    );
    await until(`/api/openstack-tenants/${two.uuid}/`, tok('ownerA'), (x) => x.state === 'OK');
    const r = ok(
      await call('POST', '/api/openstack-network-rbac-policies/', tok('ownerA'), {
        network: network.uuid,
        target_tenant: two.uuid,
        policy_type: 'access_as_shared',
      }),
      202,
    );
    assert.equal(r.tenant_uuid, tenant.uuid);
    const done = await until(
      `/api/openstack-network-rbac-policies/${r.uuid}/`,
      tok('ownerA'),
      (x) => x.state === 'OK',
    );
    const twoRow = ok(await call('GET', `/api/openstack-tenants/${two.uuid}/`, tok('ownerA')), 200);
    assert.equal(cloud.objects.get(String(done!.backend_id))?.fields.target_tenant, twoRow.backend_id);
  });

  it('deleting the tenant tears it down and removes everything in it', async () => {
    const d = ok(await call('DELETE', `/api/openstack-tenants/${tenant.uuid}/`, tok('ownerA')), 202);
    assert.equal(d.state, 'DELETION_SCHEDULED');
    await until(`/api/openstack-tenants/${tenant.uuid}/`, tok('ownerA'), (x) => x.gone === true);
    assert.equal(cloud.projects.has(tenant.backend_id!), false);
    assert.equal(
      ok(await call('GET', `/api/openstack-networks/?tenant_uuid=${tenant.uuid}`, staff), 200).length,
      0,
    );
  });

  it('the served document is valid OpenAPI and every answer above conforms to it', async () => {
    const doc = await p.document();
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, result.valid ? '' : JSON.stringify(result.errors.slice(0, 3)));
    for (const a of answers) await p.conform(a);
  });
});
