/**
 * The portal API on both stores, through real HTTP: login and tokens, the isolation matrix (two
 * organisations; owners, managers, members), 400 naming the field with nothing written, the served
 * OpenAPI document (checked by @readme/openapi-parser) and every answer checked against it, the audit
 * log and its filters, pagination.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { compileErrors, validate } from '@readme/openapi-parser';
import { type Answer, type TestPortal, testPortal } from '../testing/portal/client.ts';
import { describeStores } from '../testing/store/stores.ts';

describeStores('portal API', (ctx) => {
  let p: TestPortal;
  let staff: string;
  const answers: Answer[] = [];
  // every answer of the suite is checked against the document at the end
  const call = async (...a: Parameters<TestPortal['api']>) => {
    const r = await p.api(...a);
    answers.push(r);
    return r;
  };
  const ok = (r: Answer, status: number) => {
    assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const users: Record<string, { uuid: string; token: string }> = {};
  const orgs: Record<string, string> = {};
  const projects: Record<string, string> = {};

  before(async () => {
    p = await testPortal(ctx.url);
    staff = await p.login('admin', p.adminPassword);
    for (const org of ['A', 'B'])
      orgs[org] = ok(
        await call('POST', '/api/customers/', { token: staff, body: { name: `org ${org}` } }),
        201,
      ).uuid;
    for (const name of ['ownerA', 'managerA', 'memberA', 'ownerB']) {
      const u = ok(
        await call('POST', '/api/users/', {
          token: staff,
          body: { username: name, password: `pw-${name}-123` },
        }),
        201,
      );
      users[name] = { uuid: u.uuid, token: await p.login(name, `pw-${name}-123`) };
    }
    const grant = async (kind: string, scope: string, user: string, role: string, token = staff) =>
      ok(
        await call('POST', `/api/${kind}/${scope}/add_user/`, {
          token,
          body: { user: users[user]!.uuid, role },
        }),
        201,
      );
    await grant('customers', orgs.A!, 'ownerA', 'CUSTOMER.OWNER');
    await grant('customers', orgs.B!, 'ownerB', 'CUSTOMER.OWNER');
    // the owner makes the project and hands out its roles
    const customerUrl = `${p.base}/api/customers/${orgs.A}/`;
    projects.A = ok(
      await call('POST', '/api/projects/', {
        token: users.ownerA!.token,
        body: { name: 'pA', customer: customerUrl },
      }),
      201,
    ).uuid;
    projects.B = ok(
      await call('POST', '/api/projects/', {
        token: users.ownerB!.token,
        body: { name: 'pB', customer: orgs.B! },
      }),
      201,
    ).uuid;
    await grant('projects', projects.A!, 'managerA', 'PROJECT.MANAGER', users.ownerA!.token);
    await grant('projects', projects.A!, 'memberA', 'PROJECT.MEMBER', users.ownerA!.token);
  });
  after(() => p?.close());

  it('logs in with a password, and only a valid token authenticates', async () => {
    const bad = await call('POST', '/api-auth/password/', {
      body: { username: 'ownerA', password: 'wrong-password' },
    });
    assert.equal(bad.status, 401);
    assert.equal(
      ok(await call('GET', '/api/users/me/', { token: users.ownerA!.token }), 200).username,
      'ownerA',
    );
    assert.equal((await call('GET', '/api/users/me/')).status, 401);
    assert.equal((await call('GET', '/api/users/me/', { token: 'f'.repeat(40) })).status, 401);
    // only the digest is stored: the key itself is nowhere in the database
    const rows = await p.store.db.selectFrom('portal_tokens').select('digest').execute();
    assert.ok(rows.length >= 5 && !rows.some((r) => r.digest === users.ownerA!.token));
    const me = ok(await call('GET', '/api/users/me/', { token: staff }), 200);
    assert.deepEqual(Object.keys(me).sort(), [
      'created',
      'email',
      'full_name',
      'is_active',
      'is_staff',
      'modified',
      'url',
      'username',
      'uuid',
    ]);
  });

  it('shows each caller only its organisations and projects (404 across organisations)', async () => {
    const names = async (token: string, path: string) =>
      (ok(await call('GET', path, { token }), 200) as { name: string }[]).map((x) => x.name).sort();
    assert.deepEqual(await names(staff, '/api/customers/'), ['org A', 'org B']);
    assert.deepEqual(await names(users.ownerA!.token, '/api/customers/'), ['org A']);
    assert.deepEqual(await names(users.memberA!.token, '/api/customers/'), ['org A']);
    assert.deepEqual(await names(users.ownerB!.token, '/api/customers/'), ['org B']);
    assert.deepEqual(await names(users.memberA!.token, '/api/projects/'), ['pA']);
    assert.deepEqual(await names(users.ownerB!.token, '/api/projects/'), ['pB']);
    for (const who of ['ownerA', 'managerA', 'memberA']) {
      const token = users[who]!.token;
      assert.equal((await call('GET', `/api/customers/${orgs.B}/`, { token })).status, 404, who);
      assert.equal((await call('GET', `/api/projects/${projects.B}/`, { token })).status, 404, who);
      assert.equal(
        (await call('PATCH', `/api/projects/${projects.B}/`, { token, body: { name: 'x' } })).status,
        404,
        who,
      );
      assert.equal((await call('DELETE', `/api/customers/${orgs.B}/`, { token })).status, 404, who);
      assert.equal((await call('GET', `/api/customers/${orgs.B}/list_users/`, { token })).status, 404, who);
      const add = await call('POST', `/api/projects/${projects.B}/add_user/`, {
        token,
        body: { user: users[who]!.uuid, role: 'PROJECT.MEMBER' },
      });
      assert.equal(add.status, 404, who);
      assert.equal((await call('GET', `/api/users/${users.ownerB!.uuid}/`, { token })).status, 404, who);
    }
    // a project in an organisation one cannot see is a reference to nothing
    const foreign = await call('POST', '/api/projects/', {
      token: users.ownerA!.token,
      body: { name: 'x', customer: orgs.B! },
    });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.field, 'body.customer');
    assert.equal(
      ok(await call('GET', `/api/projects/${projects.A}/`, { token: users.memberA!.token }), 200)
        .customer_name,
      'org A',
    );
  });

  it('refuses owner actions to managers and members (403) and lets owners and managers do theirs', async () => {
    const m = users.memberA!.token;
    const g = users.managerA!.token;
    const forbidden: [string, string, string, unknown?][] = [
      [m, 'PATCH', `/api/customers/${orgs.A}/`, { name: 'mine' }],
      [g, 'PATCH', `/api/customers/${orgs.A}/`, { name: 'mine' }],
      [m, 'POST', '/api/projects/', { name: 'p2', customer: orgs.A }],
      [g, 'POST', '/api/projects/', { name: 'p2', customer: orgs.A }],
      [m, 'PATCH', `/api/projects/${projects.A}/`, { name: 'renamed' }],
      [g, 'DELETE', `/api/projects/${projects.A}/`],
      [
        m,
        'POST',
        `/api/projects/${projects.A}/add_user/`,
        { user: users.ownerB!.uuid, role: 'PROJECT.MEMBER' },
      ],
      [
        g,
        'POST',
        `/api/projects/${projects.A}/add_user/`,
        { user: users.ownerB!.uuid, role: 'PROJECT.MANAGER' },
      ],
      [
        g,
        'POST',
        `/api/customers/${orgs.A}/add_user/`,
        { user: users.managerA!.uuid, role: 'CUSTOMER.OWNER' },
      ],
      [users.ownerA!.token, 'DELETE', `/api/customers/${orgs.A}/`],
      [users.ownerA!.token, 'POST', '/api/customers/', { name: 'org C' }],
      [m, 'PATCH', `/api/users/${users.memberA!.uuid}/`, { is_staff: true }],
    ];
    for (const [token, method, path, body] of forbidden) {
      const r = await call(method, path, { token, ...(body === undefined ? {} : { body }) });
      assert.equal(r.status, 403, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'OSNET_ERR_PERMISSION');
    }
    assert.equal(ok(await call('GET', `/api/customers/${orgs.A}/`, { token: staff }), 200).name, 'org A');
    assert.equal(
      ok(
        await call('PATCH', `/api/projects/${projects.A}/`, {
          token: g,
          body: { description: 'by the manager' },
        }),
        200,
      ).description,
      'by the manager',
    );
    ok(
      await call('POST', `/api/projects/${projects.A}/add_user/`, {
        token: g,
        body: { user: users.ownerB!.uuid, role: 'PROJECT.MEMBER' },
      }),
      201,
    );
    const listed = ok(await call('GET', `/api/projects/${projects.A}/list_users/`, { token: m }), 200) as {
      user_username: string;
      role_name: string;
    }[];
    assert.deepEqual(
      listed.map((r) => `${r.user_username}:${r.role_name}`),
      ['managerA:PROJECT.MANAGER', 'memberA:PROJECT.MEMBER', 'ownerB:PROJECT.MEMBER'],
    );
    // ownerB now sees project A through its member role, and org A with it, but owns nothing there
    assert.equal(
      (await call('GET', `/api/projects/${projects.A}/`, { token: users.ownerB!.token })).status,
      200,
    );
    assert.equal(
      (await call('PATCH', `/api/customers/${orgs.A}/`, { token: users.ownerB!.token, body: { name: 'x' } }))
        .status,
      403,
    );
    const removed = await call('POST', `/api/projects/${projects.A}/delete_user/`, {
      token: g,
      body: { user: users.ownerB!.uuid, role: 'PROJECT.MEMBER' },
    });
    assert.equal(removed.status, 204);
    assert.equal(
      (await call('GET', `/api/projects/${projects.A}/`, { token: users.ownerB!.token })).status,
      404,
    );
    assert.equal(
      ok(
        await call('PATCH', `/api/customers/${orgs.A}/`, {
          token: users.ownerA!.token,
          body: { email: 'a@example.org' },
        }),
        200,
      ).email,
      'a@example.org',
    );
  });

  it('answers 400 naming the field for bad bodies and queries, and writes nothing', async () => {
    const count = async () =>
      (await p.store.db.selectFrom('portal_customers').select('uuid').execute()).length;
    const before = await count();
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/customers/', { name: '' }, 'body.name'],
      ['POST', '/api/customers/', { name: 'x', colour: 'red' }, 'body.colour'],
      ['POST', '/api/customers/', { abbreviation: 'x' }, 'body.name'],
      ['POST', '/api/customers/', { name: 7 }, 'body.name'],
      ['POST', '/api/users/', { email: 'a@b.c' }, 'body.username'],
      ['POST', '/api/users/', { username: 'short', password: 'x' }, 'body.password'],
      ['POST', '/api/projects/', { name: 'p', customer: 'not-a-customer' }, 'body.customer'],
      [
        'POST',
        `/api/customers/${orgs.A}/add_user/`,
        { user: users.memberA!.uuid, role: 'PROJECT.MEMBER' },
        'body.role',
      ],
      [
        'POST',
        `/api/customers/${orgs.A}/add_user/`,
        { user: 'f'.repeat(32), role: 'CUSTOMER.OWNER' },
        'body.user',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await call(method, path, { token: staff, body });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.field, field, JSON.stringify(r.body));
    }
    const q = await call('GET', '/api/events/?created_from=yesterday', { token: staff });
    assert.equal(q.status, 400);
    assert.equal(q.body.error.field, 'query.created_from');
    assert.equal(
      (await call('GET', '/api/customers/?page_size=1000', { token: staff })).body.error.field,
      'query.page_size',
    );
    assert.equal(await count(), before);
    assert.equal(
      (await p.store.db.selectFrom('portal_users').select('uuid').where('username', '=', 'short').execute())
        .length,
      0,
    );
  });

  it('records operations and failures in the audit log, filtered by resource, user, type and time', async () => {
    const events = async (query: string, token = staff) =>
      ok(await call('GET', `/api/events/?page_size=300&${query}`, { token }), 200) as {
        event_type: string;
        username: string | null;
        resource_uuid: string | null;
        created: string;
        context: Record<string, unknown>;
      }[];
    const ofA = await events(`resource_uuid=${orgs.A}`);
    assert.deepEqual([...new Set(ofA.map((e) => e.event_type))].sort(), [
      'customer_creation_succeeded',
      'customer_update_succeeded',
      'role_granted',
    ]);
    const created = await events(`event_type=project_creation_succeeded`);
    assert.deepEqual(created.map((e) => e.username).sort(), ['ownerA', 'ownerB']);
    const byOwnerB = await events(`user_uuid=${users.ownerB!.uuid}`);
    assert.ok(byOwnerB.length > 0 && byOwnerB.every((e) => e.username === 'ownerB'));
    const failed = await events('event_type=request_failed&resource_type=');
    assert.equal(failed.length, 0, 'failures have no resource type');
    const fails = await events('event_type=request_failed');
    const validation = fails.filter((e) => e.context.code === 'OSNET_ERR_VALIDATION');
    assert.ok(validation.some((e) => e.context.route === '/api/customers/' && e.context.status === 400));
    assert.ok(fails.some((e) => e.context.code === 'OSNET_ERR_PERMISSION' && e.username === 'memberA'));
    assert.ok(
      (await events('event_type=auth_login_failed_with_username')).some((e) => e.username === 'ownerA'),
    );
    // newest first; a time range cuts at the given instants
    const all = await events('');
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.created >= all[i]!.created);
    const middle = all[Math.floor(all.length / 2)]!.created;
    const from = await events(`created_from=${encodeURIComponent(middle)}`);
    const to = await events(`created_to=${encodeURIComponent(middle)}`);
    assert.ok(from.every((e) => e.created >= middle) && to.every((e) => e.created < middle));
    assert.equal(from.length + to.length, all.length);
    // owners read their organisation's events and their own, never another organisation's
    const seenByB = await events('', users.ownerB!.token);
    assert.ok(seenByB.length > 0);
    assert.ok(!seenByB.some((e) => e.resource_uuid === orgs.A || e.resource_uuid === projects.A));
  });

  it('paginates every list the same way: page, page_size, X-Result-Count and Link', async () => {
    for (let i = 0; i < 5; i++)
      ok(await call('POST', '/api/customers/', { token: staff, body: { name: `paged ${i}` } }), 201);
    const total = (await p.store.db.selectFrom('portal_customers').select('uuid').execute()).length;
    const seen: string[] = [];
    let next: string | undefined = '/api/customers/?page_size=2';
    let pages = 0;
    while (next) {
      const r = await call('GET', next, { token: staff, route: '/api/customers/' });
      ok(r, 200);
      assert.equal(r.headers.get('x-result-count'), String(total));
      assert.ok(r.body.length <= 2);
      seen.push(...r.body.map((c: { uuid: string }) => c.uuid));
      const link = r.headers.get('link') ?? '';
      assert.match(link, /rel="first"/);
      assert.match(link, /rel="last"/);
      const m = /<([^>]+)>; rel="next"/.exec(link);
      next = m ? new URL(m[1]!).pathname + new URL(m[1]!).search : undefined;
      pages++;
    }
    assert.equal(pages, Math.ceil(total / 2));
    assert.equal(new Set(seen).size, total);
    const beyond = await call('GET', '/api/customers/?page=99&page_size=2', { token: staff });
    assert.deepEqual(ok(beyond, 200), []);
    assert.match(beyond.headers.get('link') ?? '', /rel="prev"/);
    const events = await call('GET', '/api/events/?page_size=3', { token: staff });
    assert.equal(ok(events, 200).length, 3);
    assert.ok(Number(events.headers.get('x-result-count')) > 3);
  });

  it('serves a valid OpenAPI document that every answer of this suite conforms to', async () => {
    const doc = await p.document();
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, compileErrors(result));
    const paths = Object.keys(doc.paths as object);
    for (const path of [
      '/api/users/',
      '/api/customers/{uuid}/',
      '/api/projects/{uuid}/add_user/',
      '/api/events/',
      '/api-auth/password/',
    ])
      assert.ok(paths.includes(path), path);
    assert.ok(answers.length > 50);
    for (const a of answers) await p.conform(a);
  });
});
