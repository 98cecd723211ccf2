/**
 * The isolation matrix over every route of a tenant and of the kinds inside it, on both stores over the
 * fake cloud: another organisation's owner gets 404 on each (reads and changes alike) and sees none of it
 * in lists; a project member reads (200) but every change is a 403; neither queues anything. Owners and
 * managers changing things is tested in routes.test.ts.
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

describeStores('isolation matrix of the resource routes', (ctx) => {
  let p: TestPortal;
  let staff: string;
  const cloud = new FakeCloud();
  const provider = newUuid();
  const answers: Answer[] = [];
  const tok: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await p.api(method, path, { token, ...(body === undefined ? {} : { body }) });
    answers.push(r);
    return r;
  };
  const settled = async (path: string) => {
    for (let i = 0; i < 400; i++) {
      const r = await call('GET', path, staff);
      if (r.body.state === 'OK' || r.body.state === 'ERRED') return r.body;
      await sleep(25);
    }
    throw new Error(`${path}: not settled`);
  };
  const must = (r: Answer, status: number) => {
    assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  before(async () => {
    p = await testPortal(ctx.url, {
      secrets: secretBox(Buffer.alloc(32, 7)),
      engine: fakeEngine(cloud, provider),
    });
    staff = await p.login('admin', p.adminPassword);
    const orgA = must(await call('POST', '/api/customers/', staff, { name: 'A' }), 201).uuid;
    const orgB = must(await call('POST', '/api/customers/', staff, { name: 'B' }), 201).uuid;
    for (const name of ['ownerB', 'memberA']) {
      const u = must(
        await call('POST', '/api/users/', staff, { username: name, password: `pw-${name}-1` }),
        201,
      );
      tok[name] = await p.login(name, `pw-${name}-1`);
      ids[name] = u.uuid;
    }
    must(
      await call('POST', `/api/customers/${orgB}/add_user/`, staff, {
        user: ids.ownerB,
        role: 'CUSTOMER.OWNER',
      }),
      201,
    );
    const project = must(
      await call('POST', '/api/projects/', staff, { name: 'pA', customer: orgA }),
      201,
    ).uuid;
    must(
      await call('POST', `/api/projects/${project}/add_user/`, staff, {
        user: ids.memberA,
        role: 'PROJECT.MEMBER',
      }),
      201,
    );
    const t = must(
      await call('POST', '/api/openstack-tenants/', staff, {
        name: 'ta',
        project,
        service_settings: provider,
      }),
      202,
    );
    assert.equal((await settled(`/api/openstack-tenants/${t.uuid}/`)).state, 'OK');
    ids.tenant = t.uuid;
    const n = must(
      await call('POST', `/api/openstack-tenants/${t.uuid}/create_network/`, staff, { name: 'na' }),
      202,
    );
    assert.equal((await settled(`/api/openstack-networks/${n.uuid}/`)).state, 'OK');
    ids.network = n.uuid;
    const s = must(
      await call('POST', `/api/openstack-networks/${n.uuid}/create_subnet/`, staff, {
        name: 'sa',
        cidr: '10.9.0.0/24',
      }),
      202,
    );
    assert.equal((await settled(`/api/openstack-subnets/${s.uuid}/`)).state, 'OK');
    ids.subnet = s.uuid;
  });
  after(() => p.close());

  const T = () => `/api/openstack-tenants/${ids.tenant}/`;
  const N = () => `/api/openstack-networks/${ids.network}/`;
  const S = () => `/api/openstack-subnets/${ids.subnet}/`;
  const reads = () => [
    ['GET', T()],
    ['GET', `${T()}quotas/`],
    ['GET', N()],
    ['GET', S()],
  ];
  const changes = (): [string, string, unknown?][] => [
    ['PATCH', T(), { name: 'x' }],
    ['DELETE', T()],
    ['POST', `${T()}set_quotas/`, { vcpu: 1 }],
    ['POST', `${T()}pull_quotas/`, {}],
    ['POST', `${T()}change_password/`, {}],
    ['POST', `${T()}create_network/`, { name: 'x' }],
    ['POST', `${T()}pull/`],
    ['POST', `${T()}retry/`],
    ['PATCH', N(), { name: 'x' }],
    ['DELETE', N()],
    ['POST', `${N()}set_mtu/`, { mtu: 1400 }],
    ['POST', `${N()}create_subnet/`, { name: 'x', cidr: '10.8.0.0/24' }],
    ['POST', `${N()}pull/`],
    ['POST', `${N()}retry/`],
    ['DELETE', S()],
    ['POST', `${S()}pull/`],
  ];
  const jobCount = async () =>
    Number(
      (
        await p.store.db
          .selectFrom('portal_jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("another organisation's owner gets 404 on every route and sees nothing in lists; nothing queued", async () => {
    const before = await jobCount();
    for (const [m, path] of reads()) must(await call(m!, path!, tok.ownerB!), 404);
    for (const [m, path, body] of changes()) must(await call(m, path, tok.ownerB!, body), 404);
    for (const list of ['openstack-tenants', 'openstack-networks', 'openstack-subnets', 'jobs'])
      assert.deepEqual(must(await call('GET', `/api/${list}/`, tok.ownerB!), 200), [], list);
    const events = must(await call('GET', `/api/events/?resource_uuid=${ids.tenant}`, tok.ownerB!), 200);
    assert.deepEqual(events, []);
    assert.equal(await jobCount(), before);
  });

  it('a project member reads (200) and gets 403 on every change; nothing queued', async () => {
    const before = await jobCount();
    for (const [m, path] of reads()) must(await call(m!, path!, tok.memberA!), 200);
    for (const [m, path, body] of changes()) {
      const r = await call(m, path, tok.memberA!, body);
      assert.equal(must(r, 403).error.code, 'OSNET_ERR_PERMISSION', `${m} ${path}`);
    }
    assert.equal(must(await call('GET', '/api/openstack-networks/', tok.memberA!), 200).length, 1);
    assert.equal(await jobCount(), before);
    for (const path of [T(), N(), S()]) assert.equal(must(await call('GET', path, staff), 200).state, 'OK');
  });

  it('every answer conforms to the served document', async () => {
    for (const a of answers) await p.conform(a);
  });
});
