/**
 * Migration 0006 on a store that already holds rows (an upgrade): the kept counts start from what is
 * there, the name index finds the names written before it, and both follow the writes after. Both stores.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../store/index.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { newUuid, openPortalStore } from './index.ts';
import { MIGRATIONS, type PortalDB } from './schema.ts';

describeStores('portal migration 0006 on existing rows', (ctx) => {
  it('counts and indexes what was there, then follows new writes', async () => {
    const before = MIGRATIONS.filter((m) => m.name < '0006');
    const old = await openStore<PortalDB>({
      url: ctx.url,
      migrations: before,
      migrationTable: 'portal_migrations',
    });
    const at = new Date().toISOString();
    const [org, project, tenant] = [newUuid(), newUuid(), newUuid()];
    try {
      await old.db
        .insertInto('portal_customers')
        .values({ uuid: org, name: 'o', abbreviation: '', email: '', created: at, modified: at })
        .execute();
      await old.db
        .insertInto('portal_projects')
        .values({ uuid: project, customer_uuid: org, name: 'p', description: '', created: at, modified: at })
        .execute();
      const row = (kind: string, name: string, tenant_uuid: string | null) => ({
        uuid: newUuid(),
        kind,
        tenant_uuid,
        project_uuid: project,
        customer_uuid: org,
        provider_uuid: org,
        offering_uuid: null,
        parent_uuid: null,
        name,
        description: '',
        state: 'OK',
        runtime_state: '',
        backend_id: null,
        error_message: '',
        action: '',
        fields: '{}',
        secrets: null,
        backend_missing_since: null,
        created: at,
        modified: at,
      });
      await old.db
        .insertInto('portal_resources')
        .values([
          { ...row('tenants', 'the tenant', null), uuid: tenant },
          ...['Old Net one', 'old net two', 'other'].map((n) => row('networks', n, tenant)),
        ])
        .execute();
    } finally {
      await old.close();
    }

    const store = await openPortalStore({ url: ctx.url });
    try {
      const counts = await store.db
        .selectFrom('portal_resource_counts')
        .select(['kind', 'tenant_uuid', 'n'])
        .orderBy('kind')
        .execute();
      assert.deepEqual(
        counts.map((c) => [c.kind, c.tenant_uuid, Number(c.n)]),
        [
          ['networks', tenant, 3],
          ['tenants', '', 1],
        ],
      );
      const totals = await store.db
        .selectFrom('portal_table_counts')
        .select(['tbl', 'n'])
        .orderBy('tbl')
        .execute();
      assert.deepEqual(
        totals.map((t) => [t.tbl, Number(t.n)]),
        [
          ['portal_customers', 1],
          ['portal_events', 0],
        ],
      );
      if (ctx.kind === 'sqlite') {
        const hits = await sql<{ name: string }>`SELECT name FROM portal_resource_names
          WHERE portal_resource_names MATCH ${'"old net"'} ORDER BY name`.execute(store.db);
        assert.deepEqual(
          hits.rows.map((r) => r.name),
          ['Old Net one', 'old net two'],
        );
      }
      await store.db
        .deleteFrom('portal_resources')
        .where('kind', '=', 'networks')
        .where('name', '=', 'other')
        .execute();
      const n = await store.db
        .selectFrom('portal_resource_counts')
        .select('n')
        .where('kind', '=', 'networks')
        .executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 2);
    } finally {
      await store.close();
    }
  });
});
