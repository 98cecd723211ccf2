/**
 * The resource lists on both stores with migration 0006's kept counts and name index: `X-Result-Count`
 * equals a real count after inserts, deletes and moves between tenants and projects (the triggers, in
 * whatever writes); pages past the first (the index-walk path) hold exactly the rows of the full
 * ordering; `Link` points at the right pages; `name=` is a case-insensitive contains with `%`, `_`, `\`
 * and `"` as plain characters.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type TestPortal, testPortal } from '../../testing/portal/client.ts';
import { FakeCloud } from '../../testing/portal/fake-backend.ts';
import { fakeEngine } from '../../testing/portal/fake-engine.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid } from '../store/index.ts';
import type { ResourceRow } from '../store/schema.ts';
import { NARROW_AT } from './list-query.ts';

describeStores('portal resource list counts', (ctx) => {
  let p: TestPortal;
  let staff: string;
  let member: string;
  const provider = newUuid();
  const orgs: string[] = [];
  const projects: string[] = [];
  const tenants: ResourceRow[] = [];

  const row = (o: Partial<ResourceRow> & Pick<ResourceRow, 'kind' | 'name'>): ResourceRow => {
    const t = tenants[0];
    const at = new Date().toISOString();
    return {
      uuid: newUuid(),
      tenant_uuid: t?.uuid ?? null,
      project_uuid: t?.project_uuid ?? projects[0]!,
      customer_uuid: t?.customer_uuid ?? orgs[0]!,
      provider_uuid: provider,
      offering_uuid: null,
      parent_uuid: null,
      description: '',
      state: 'OK',
      runtime_state: 'ACTIVE',
      backend_id: newUuid(),
      error_message: '',
      action: '',
      fields: '{}',
      secrets: null,
      backend_missing_since: null,
      created: at,
      modified: at,
      ...o,
    };
  };
  const inTenant = (t: ResourceRow) => ({
    tenant_uuid: t.uuid,
    project_uuid: t.project_uuid,
    customer_uuid: t.customer_uuid,
  });
  const insert = (rows: ResourceRow[]) => p.store.db.insertInto('portal_resources').values(rows).execute();
  const list = async (query: string, token = staff) => {
    const r = await p.api('GET', `/api/openstack-networks/${query}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return {
      count: Number(r.headers.get('x-result-count')),
      names: (r.body as { name: string }[]).map((x) => x.name),
      link: r.headers.get('link') ?? '',
    };
  };
  /** The truth, counted by the database itself. */
  const real = async (where: Partial<Pick<ResourceRow, 'tenant_uuid' | 'project_uuid'>> = {}) => {
    let q = p.store.db
      .selectFrom('portal_resources')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('kind', '=', 'networks');
    if (where.tenant_uuid) q = q.where('tenant_uuid', '=', where.tenant_uuid);
    if (where.project_uuid) q = q.where('project_uuid', '=', where.project_uuid);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  before(async () => {
    const cloud = new FakeCloud();
    p = await testPortal(ctx.url, {
      engine: fakeEngine(cloud, provider, { options: { schedules: false } }),
    });
    staff = await p.login('admin', p.adminPassword);
    const post = async (path: string, body: unknown) => {
      const r = await p.api('POST', path, { token: staff, body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return String(r.body.uuid);
    };
    for (const i of [0, 1]) {
      orgs.push(await post('/api/customers/', { name: `org ${i}` }));
      projects.push(await post('/api/projects/', { name: `p ${i}`, customer: orgs[i] }));
    }
    // two tenants in project 0, one in project 1
    for (const [i, pr] of [0, 0, 1].entries())
      tenants.push(
        row({
          kind: 'tenants',
          name: `tenant ${i}`,
          tenant_uuid: null,
          project_uuid: projects[pr]!,
          customer_uuid: orgs[pr]!,
        }),
      );
    await insert(tenants);
    const u = await p.api('POST', '/api/users/', {
      token: staff,
      body: { username: 'member1', password: 'pw-member1-123' },
    });
    await p.api('POST', `/api/projects/${projects[1]}/add_user/`, {
      token: staff,
      body: { user: u.body.uuid, role: 'PROJECT.MEMBER' },
    });
    member = await p.login('member1', 'pw-member1-123');
  });
  after(() => p?.close());

  it('counts right after inserts, deletes and moves, for staff, one tenant and a member', async () => {
    const [t0, t1, t2] = tenants as [ResourceRow, ResourceRow, ResourceRow];
    const rows = [
      ...Array.from({ length: 25 }, (_, i) => row({ kind: 'networks', name: `net ${i}`, ...inTenant(t0) })),
      ...Array.from({ length: 7 }, (_, i) => row({ kind: 'networks', name: `other ${i}`, ...inTenant(t2) })),
      row({ kind: 'subnets', name: 'not a network', ...inTenant(t0) }),
    ];
    await insert(rows);
    const check = async () => {
      assert.equal((await list('')).count, await real());
      for (const t of tenants)
        assert.equal((await list(`?tenant_uuid=${t.uuid}`)).count, await real({ tenant_uuid: t.uuid }));
      assert.equal(
        (await list(`?project_uuid=${projects[0]}`)).count,
        await real({ project_uuid: projects[0]! }),
      );
      assert.equal((await list('', member)).count, await real({ project_uuid: projects[1]! }));
    };
    await check();
    assert.equal((await list('')).count, 32);

    await p.store.db.deleteFrom('portal_resources').where('uuid', '=', rows[3]!.uuid).execute();
    await check();
    assert.equal((await list(`?tenant_uuid=${t0.uuid}`)).count, 24);

    // a move to a tenant of another project: both tenants' and both projects' counts follow
    await p.store.db
      .updateTable('portal_resources')
      .set(inTenant(t2))
      .where('uuid', 'in', [rows[4]!.uuid, rows[5]!.uuid])
      .execute();
    await check();
    assert.equal((await list('', member)).count, 9);
    // a move inside the project, and an update that moves nothing
    await p.store.db
      .updateTable('portal_resources')
      .set(inTenant(t1))
      .where('uuid', '=', rows[6]!.uuid)
      .execute();
    await p.store.db
      .updateTable('portal_resources')
      .set({ state: 'ERRED' })
      .where('kind', '=', 'networks')
      .execute();
    await p.store.db
      .updateTable('portal_resources')
      .set(inTenant(t2))
      .where('tenant_uuid', '=', t2.uuid)
      .execute();
    await check();
    assert.equal((await list(`?tenant_uuid=${t1.uuid}`)).count, 1);
    // the counts hold the same answer the filters count for real
    assert.equal((await list('?state=ERRED')).count, 32 - 1);

    await p.store.db.deleteFrom('portal_resources').where('kind', '=', 'networks').execute();
    await check();
    assert.equal((await list('')).count, 0);
    const left = await p.store.db
      .selectFrom('portal_resource_counts')
      .selectAll()
      .where('kind', '=', 'networks')
      .execute();
    assert.deepEqual(left, [], 'an emptied scope leaves no count row');
  });

  it('deep pages hold the rows of the full order, with Link to the right pages', async () => {
    const t = tenants[0]!;
    // names that tie, so the uuid decides the order too
    const rows = Array.from({ length: 53 }, (_, i) =>
      row({ kind: 'networks', name: `page ${String(i % 20).padStart(2, '0')}`, ...inTenant(t) }),
    );
    await insert(rows);
    try {
      const order = [...rows].sort((a, b) =>
        a.name === b.name ? (a.uuid < b.uuid ? -1 : 1) : a.name < b.name ? -1 : 1,
      );
      const seen: string[] = [];
      for (let n = 1; n <= 6; n++) {
        const r = await p.api('GET', `/api/openstack-networks/?page=${n}&page_size=10`, { token: staff });
        assert.equal(r.headers.get('x-result-count'), '53');
        seen.push(...(r.body as { uuid: string }[]).map((x) => x.uuid));
        const link = r.headers.get('link') ?? '';
        assert.match(link, /[?&]page=6&page_size=10>; rel="last"/);
        if (n < 6) assert.match(link, new RegExp(`[?&]page=${n + 1}&page_size=10&cursor=[^>]+>; rel="next"`));
        else assert.doesNotMatch(link, /rel="next"/);
        if (n > 1) assert.match(link, new RegExp(`[?&]page=${n - 1}&page_size=10>; rel="prev"`));
      }
      assert.deepEqual(
        seen,
        order.map((r) => r.uuid),
      );
      // a page past the end is empty, its prev the last page
      const past = await p.api('GET', '/api/openstack-networks/?page=9&page_size=10', { token: staff });
      assert.deepEqual(past.body, []);
      assert.match(past.headers.get('link') ?? '', /[?&]page=6&page_size=10>; rel="prev"/);
      // following Link next (a keyset cursor past the first page) walks the same order, page numbers right
      const walked: string[] = [];
      let path: string | undefined = '/api/openstack-networks/?page_size=10';
      for (let n = 1; path !== undefined; n++) {
        const r = await p.api('GET', path, { token: staff });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        walked.push(...(r.body as { uuid: string }[]).map((x) => x.uuid));
        const link = r.headers.get('link') ?? '';
        assert.doesNotMatch(/<([^>]+)>; rel="prev"/.exec(link)?.[1] ?? '', /cursor=/);
        const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
        if (next) {
          const q = new URL(next).searchParams;
          assert.deepEqual(
            [q.get('page'), q.get('page_size'), !!q.get('cursor')],
            [String(n + 1), '10', true],
          );
          path = next.slice(p.base.length);
        } else path = undefined;
      }
      assert.deepEqual(walked, seen);
      const bad = await p.api('GET', '/api/openstack-networks/?page=2&cursor=bm90IGEgY3Vyc29y', {
        token: staff,
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'query.cursor');
      // a filter carries over into the links
      const f = await list(`?tenant_uuid=${t.uuid}&page=2`);
      assert.match(f.link, new RegExp(`tenant_uuid=${t.uuid}&page=3`));
    } finally {
      await p.store.db.deleteFrom('portal_resources').where('kind', '=', 'networks').execute();
    }
  });

  it('name= is a case-insensitive contains, with % _ \\ and " as plain characters', async () => {
    const names = [
      'Alpha_Net',
      'alphaXnet',
      '100% done',
      '100 percent',
      'back\\slash',
      'say "hi" now',
      'Ab',
      'ÖSTER',
    ];
    const rows = names.map((name) => row({ kind: 'networks', name, ...inTenant(tenants[0]!) }));
    await insert(rows);
    try {
      const found = async (q: string) => {
        const r = await list(`?name=${encodeURIComponent(q)}&page_size=100`);
        assert.equal(r.count, r.names.length, `count of name=${q}`);
        return r.names.sort();
      };
      assert.deepEqual(await found('ALPHA'), ['Alpha_Net', 'alphaXnet']);
      assert.deepEqual(await found('a_n'), ['Alpha_Net']);
      assert.deepEqual(await found('0%'), ['100% done']);
      assert.deepEqual(await found('0% d'), ['100% done']);
      assert.deepEqual(await found('k\\s'), ['back\\slash']);
      assert.deepEqual(await found('"hi"'), ['say "hi" now']);
      assert.deepEqual(await found('b'), ['Ab', 'back\\slash']);
      assert.deepEqual(await found('ster'), ['ÖSTER']);
      assert.deepEqual(await found('nothing like it'), []);
      // renamed: the name index follows
      await p.store.db
        .updateTable('portal_resources')
        .set({ name: 'Renamed Net' })
        .where('uuid', '=', rows[1]!.uuid)
        .execute();
      assert.deepEqual(await found('alpha'), ['Alpha_Net']);
      assert.deepEqual(await found('renamed'), ['Renamed Net']);
      // and a member sees only its projects' matches
      const m = await list('?name=alpha', member);
      assert.deepEqual([m.count, m.names], [0, []]);
      // a user with no project at all: nothing, one empty page
      const u = await p.api('POST', '/api/users/', {
        token: staff,
        body: { username: 'nobody1', password: 'pw-nobody1-123' },
      });
      assert.equal(u.status, 201);
      const none = await list('?page=2', await p.login('nobody1', 'pw-nobody1-123'));
      assert.deepEqual([none.count, none.names], [0, []]);
      assert.match(none.link, /[?&]page=1&page_size=10>; rel="prev"/);
      assert.doesNotMatch(none.link, /rel="next"/);
    } finally {
      await p.store.db.deleteFrom('portal_resources').where('kind', '=', 'networks').execute();
    }
  });

  it('name= matching more names than the trigram narrowing takes still counts and pages right', async () => {
    const n = NARROW_AT + 7;
    const rows = Array.from({ length: n }, (_, i) =>
      row({ kind: 'networks', name: `Common-${String(n - i).padStart(5, '0')}`, ...inTenant(tenants[0]!) }),
    );
    for (let i = 0; i < n; i += 200) await insert(rows.slice(i, i + 200));
    try {
      const r = await list('?name=common-0&page=2&page_size=3');
      assert.equal(r.count, n);
      assert.deepEqual(r.names, ['Common-00004', 'Common-00005', 'Common-00006']);
      const one = await list('?name=on-00017');
      assert.deepEqual([one.count, one.names], [1, ['Common-00017']]);
    } finally {
      await p.store.db.deleteFrom('portal_resources').where('kind', '=', 'networks').execute();
    }
  });
});
