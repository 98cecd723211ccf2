/**
 * `PATCH /api/openstack-tenants/{uuid}/` on both stores over the fake cloud: name and description go to
 * the tenant's project through an update job (UPDATE_SCHEDULED, then OK with the project's answer and an
 * audit event); a read-only field is a 400 naming it with nothing queued; a member gets 403, another
 * organisation 404, a tenant not OK 409. The real Keystone rename is in tenant.lab.test.ts.
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

describeStores('tenant PATCH', (ctx) => {
  let p: TestPortal;
  let staff: string;
  const cloud = new FakeCloud();
  const provider = newUuid();
  const answers: Answer[] = [];
  const tokens: Record<string, string> = {};
  let tenant: { uuid: string; backend_id: string; state: string; error_message: string };

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await p.api(method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(r);
    return r;
  };
  const ok = (r: Answer, status: number) => {
    assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const settled = async (uuid: string) => {
    for (let i = 0; i < 400; i++) {
      const b = ok(await call('GET', `/api/openstack-tenants/${uuid}/`, staff), 200);
      if (b.state === 'OK' || b.state === 'ERRED') return b;
      await sleep(25);
    }
    throw new Error('tenant not settled');
  };
  const jobsOf = async (uuid: string) =>
    ok(await call('GET', `/api/jobs/?resource_uuid=${uuid}&page_size=100`, staff), 200) as {
      operation: string;
    }[];

  before(async () => {
    p = await testPortal(ctx.url, {
      secrets: secretBox(Buffer.alloc(32, 5)),
      engine: fakeEngine(cloud, provider),
    });
    staff = await p.login('admin', p.adminPassword);
    const orgs: string[] = [];
    for (const org of ['A', 'B'])
      orgs.push(ok(await call('POST', '/api/customers/', staff, { name: `org ${org}` }), 201).uuid);
    for (const name of ['ownerA', 'memberA', 'ownerB']) {
      const u = ok(
        await call('POST', '/api/users/', staff, { username: name, password: `pw-${name}-1` }),
        201,
      );
      tokens[name] = await p.login(name, `pw-${name}-1`);
      tokens[`${name}.uuid`] = u.uuid;
    }
    const add = (kind: string, scope: string, user: string, role: string) =>
      call('POST', `/api/${kind}/${scope}/add_user/`, staff, { user: tokens[`${user}.uuid`], role });
    await add('customers', orgs[0]!, 'ownerA', 'CUSTOMER.OWNER');
    await add('customers', orgs[1]!, 'ownerB', 'CUSTOMER.OWNER');
    const project = ok(await call('POST', '/api/projects/', staff, { name: 'pA', customer: orgs[0] }), 201);
    await add('projects', project.uuid, 'memberA', 'PROJECT.MEMBER');
    const t = ok(
      await call('POST', '/api/openstack-tenants/', tokens.ownerA!, {
        name: 'before',
        description: 'old',
        project: project.uuid,
        service_settings: provider,
      }),
      202,
    );
    tenant = await settled(t.uuid);
    assert.equal(tenant.state, 'OK', tenant.error_message);
  });
  after(() => p.close());

  it('name and description go to the project through an update job, with an audit event', async () => {
    const r = ok(
      await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, {
        name: 'after',
        description: 'new',
      }),
      202,
    );
    assert.equal(r.state, 'UPDATE_SCHEDULED');
    assert.equal(r.action, 'update');
    const done = await settled(tenant.uuid);
    assert.equal(done.state, 'OK', done.error_message);
    assert.equal(done.name, 'after');
    assert.equal(done.description, 'new');
    const project = cloud.projects.get(tenant.backend_id)!;
    assert.deepEqual([project.name, project.description], ['after', 'new']);
    assert.equal(cloud.calls.get('tenants.update'), 1);
    const events = ok(
      await call(
        'GET',
        `/api/events/?resource_uuid=${tenant.uuid}&event_type=resource_update_succeeded`,
        staff,
      ),
      200,
    );
    assert.equal(events.length, 1);
  });

  it('a description alone leaves the name; a read-only field is a 400 naming it, nothing queued', async () => {
    const before = (await jobsOf(tenant.uuid)).length;
    for (const [field, value] of [
      ['user_username', 'someone'],
      ['subnet_cidr', '10.0.0.0/24'],
      ['project', newUuid()],
      ['internal_network_id', 'x'],
      ['quotas', []],
    ] as const) {
      const r = await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, {
        description: 'x',
        [field]: value,
      });
      assert.equal(ok(r, 400).error.field, `body.${field}`);
      assert.match(r.body.error.message, /read-only/);
    }
    const unknown = await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, {
      nme: 'x',
    });
    assert.equal(ok(unknown, 400).error.field, 'body.nme');
    const long = await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, {
      name: 'x'.repeat(65),
    });
    assert.equal(ok(long, 400).error.field, 'body.name');
    assert.equal((await jobsOf(tenant.uuid)).length, before);
    assert.equal(
      ok(await call('GET', `/api/openstack-tenants/${tenant.uuid}/`, staff), 200).description,
      'new',
    );

    ok(
      await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, { description: 'd2' }),
      202,
    );
    const done = await settled(tenant.uuid);
    assert.deepEqual([done.name, done.description], ['after', 'd2']);
  });

  it('a member gets 403, another organisation 404, a tenant not OK 409', async () => {
    const m = await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.memberA!, { name: 'm' });
    assert.equal(ok(m, 403).error.code, 'OSNET_ERR_PERMISSION');
    ok(await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerB!, { name: 'b' }), 404);
    const release = cloud.hold('tenants.update');
    ok(await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, { name: 'one' }), 202);
    await cloud.held('tenants.update');
    const twice = await call('PATCH', `/api/openstack-tenants/${tenant.uuid}/`, tokens.ownerA!, {
      name: 'two',
    });
    assert.equal(ok(twice, 409).error.code, 'OSNET_ERR_PORTAL_STATE');
    release();
    assert.equal((await settled(tenant.uuid)).name, 'one');
  });

  it('every answer conforms to the served document', async () => {
    for (const a of answers) await p.conform(a);
  });
});
