/**
 * The tenant's create actions for kinds other than networks (create_network is in routes.test.ts and
 * tenant.lab.test.ts), on both stores over the fake cloud with the real request schemas of floating IPs
 * and security groups: `create_floating_ip` and `create_security_group` order a resource placed in the
 * tenant (202, CREATION_SCHEDULED, then OK with its backend id, listed under the tenant); a field the
 * kind does not take is a 400 naming it, with nothing ordered; a member may not order (403). The real
 * Neutron side is in the kinds' lab tests (floating-ips, sgp-api).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@fastify/type-provider-typebox';
import { type Answer, type TestPortal, testPortal } from '../../testing/portal/client.ts';
import { FakeCloud, fakeKindBackend } from '../../testing/portal/fake-backend.ts';
import { fakeEngine } from '../../testing/portal/fake-engine.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { floatingIpSchemas } from '../backend/networking/floating-ips/schemas.ts';
import { securityGroupSchemas } from '../backend/networking/sgp/schemas.ts';
import { newUuid } from '../store/index.ts';

describeStores('tenant create actions', (ctx) => {
  let p: TestPortal;
  let staff: string;
  const cloud = new FakeCloud();
  const provider = newUuid();
  const tokens: Record<string, string> = {};
  let tenant = '';

  const call = (method: string, path: string, token: string, body?: unknown): Promise<Answer> =>
    p.api(method, path, { token, ...(body === undefined ? {} : { body }) });
  const ok = (r: Answer, status: number) => {
    assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const settled = async (path: string) => {
    for (let i = 0; i < 400; i++) {
      const b = ok(await call('GET', path, staff), 200);
      if (b.state === 'OK' || b.state === 'ERRED') return b;
      await sleep(25);
    }
    throw new Error(`${path} not settled`);
  };

  before(async () => {
    const engine = fakeEngine(cloud, provider);
    // the real request schemas; the fake cloud answers with the spec's fields, so the answer shape is open
    const kinds = [
      { kind: 'floating-ips', schemas: floatingIpSchemas },
      { kind: 'sgp', schemas: securityGroupSchemas },
    ].map(({ kind, schemas }) => ({
      kind,
      backend: fakeKindBackend(cloud, kind),
      schemas: { create: schemas.create, refs: { tenant: 'tenants' }, fields: Type.Object({}) },
    }));
    p = await testPortal(ctx.url, { engine: { ...engine, kinds: [...engine.kinds, ...kinds] } });
    staff = await p.login('admin', p.adminPassword);
    const org = ok(await call('POST', '/api/customers/', staff, { name: 'org' }), 201).uuid;
    for (const name of ['owner', 'member']) {
      const u = ok(
        await call('POST', '/api/users/', staff, { username: name, password: `pw-${name}-1` }),
        201,
      );
      tokens[name] = await p.login(name, `pw-${name}-1`);
      tokens[`${name}.uuid`] = u.uuid;
    }
    ok(
      await call('POST', `/api/customers/${org}/add_user/`, staff, {
        user: tokens['owner.uuid'],
        role: 'CUSTOMER.OWNER',
      }),
      201,
    );
    const project = ok(await call('POST', '/api/projects/', staff, { name: 'p', customer: org }), 201).uuid;
    await call('POST', `/api/projects/${project}/add_user/`, staff, {
      user: tokens['member.uuid'],
      role: 'PROJECT.MEMBER',
    });
    const t = ok(
      await call('POST', '/api/openstack-tenants/', tokens.owner!, {
        name: 't',
        project,
        service_settings: provider,
      }),
      202,
    );
    const done = await settled(`/api/openstack-tenants/${t.uuid}/`);
    assert.equal(done.state, 'OK', done.error_message);
    tenant = t.uuid;
  });
  after(() => p.close());

  for (const [action, kind, body] of [
    ['create_floating_ip', 'floating-ips', { description: 'for the web server' }],
    ['create_security_group', 'sgp', { name: 'db', description: 'postgres', rules: [] }],
  ] as const) {
    it(`${action} orders a ${kind} resource in the tenant, which reaches OK`, async () => {
      const r = ok(
        await call('POST', `/api/openstack-tenants/${tenant}/${action}/`, tokens.owner!, body),
        202,
      );
      assert.equal(r.state, 'CREATION_SCHEDULED');
      assert.equal(r.tenant_uuid, tenant);
      const done = await settled(`/api/openstack-${kind}/${r.uuid}/`);
      assert.equal(done.state, 'OK', done.error_message);
      assert.ok(cloud.objects.has(done.backend_id), 'made in the fake cloud');
      const listed = ok(
        await call('GET', `/api/openstack-${kind}/?tenant_uuid=${tenant}`, tokens.owner!),
        200,
      );
      assert.deepEqual(
        listed.map((x: { uuid: string }) => x.uuid),
        [r.uuid],
      );
    });

    it(`${action}: a field ${kind} does not take is a 400 naming it; a member gets 403; nothing ordered`, async () => {
      const before = cloud.objects.size;
      const bad = ok(
        await call('POST', `/api/openstack-tenants/${tenant}/${action}/`, tokens.owner!, {
          ...body,
          colour: 'red',
        }),
        400,
      );
      assert.match(JSON.stringify(bad), /colour/);
      ok(await call('POST', `/api/openstack-tenants/${tenant}/${action}/`, tokens.member!, body), 403);
      await sleep(200);
      assert.equal(cloud.objects.size, before);
      const listed = ok(await call('GET', `/api/openstack-${kind}/?tenant_uuid=${tenant}`, staff), 200);
      assert.equal(listed.length, 1, 'only the one ordered before');
    });
  }
});
