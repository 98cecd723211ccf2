// The policy store under concurrent writers (two repos = two connections or pools, as two replicas would
// have) and at its limits: migrations run once, tags stay unique, the tag space runs out cleanly.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { OsnetError } from '../../lib/errors.ts';
import { openStore } from '../../store/index.ts';
import { describeStores } from '../../testing/store/stores.ts';
import type { PolicyGroup } from '../model.ts';
import { MIGRATION_TABLE, openPolicyRepo, POLICY_MIGRATIONS, type PolicyDB } from './index.ts';

const rawStore = (url: string) =>
  openStore<PolicyDB>({ url, migrations: POLICY_MIGRATIONS, migrationTable: MIGRATION_TABLE });

describeStores('policy repo, concurrent', (ctx) => {
  it('three repos opening a fresh store at once run its migrations once', async () => {
    const url = await ctx.fresh();
    const repos = await Promise.all([1, 2, 3].map(() => openPolicyRepo({ url })));
    const raw = await rawStore(url);
    const applied = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(
      raw.db,
    );
    assert.deepEqual(
      applied.rows.map((r) => r.name),
      POLICY_MIGRATIONS.map((m) => m.name),
    );
    assert.equal((await raw.db.selectFrom('policy_state').selectAll().execute()).length, 1);
    assert.equal((await repos[0]!.state()).version, 0);
    await Promise.all([raw.close(), ...repos.map((r) => r.close())]);
  });

  it('concurrent ensureGroups and createPolicies from two repos: one tag per group, no tag twice', async () => {
    const url = await ctx.fresh();
    const [a, b] = await Promise.all([openPolicyRepo({ url }), openPolicyRepo({ url })]);
    try {
      // 12 writers, each 30 ids of which 10 are shared by all: the same next tags are wanted at once
      const batch = (w: number) => [
        ...Array.from({ length: 10 }, (_, i) => `shared/${i}`),
        ...Array.from({ length: 20 }, (_, i) => `w${w}/${i}`),
      ];
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, w) => (w % 2 ? a : b).ensureGroups(batch(w), `proj-${w % 3}`)),
      );
      const policies = Array.from({ length: 6 }, (_, w) =>
        (w % 2 ? b : a).createPolicies([
          { source: 'shared/0', destination: 'shared/1', protocol: 'udp', ports: { start: 53, end: 53 } },
          { source: `w${w}/0`, destination: 'shared/2', protocol: 'tcp', ports: { start: 80, end: 80 } },
          { source: `new/${w}`, destination: 'new/common', protocol: 'tcp', ports: { start: 443, end: 443 } },
        ]),
      );
      const created = (await Promise.all(policies)).reduce((n, r) => n + r.created, 0);
      assert.equal(created, 1 + 6 + 6);

      const tagOf = new Map<string, string>();
      for (const g of answers.flat()) {
        assert.equal(tagOf.get(g.id) ?? g.tag, g.tag, `${g.id} got two tags`);
        tagOf.set(g.id, g.tag);
      }
      const all: PolicyGroup[] = await a.groups();
      assert.equal(all.length, 10 + 12 * 20 + 7);
      assert.equal(new Set(all.map((g) => g.tag)).size, all.length, 'every group has its own tag');
      for (const g of all) if (tagOf.has(g.id)) assert.equal(g.tag, tagOf.get(g.id));
      assert.equal((await b.listPolicies()).length, 13);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('pruneGroups racing createPolicies on the same groups: neither fails, no policy loses a group', async () => {
    const url = await ctx.fresh();
    const [a, b] = await Promise.all([openPolicyRepo({ url }), openPolicyRepo({ url })]);
    try {
      for (let round = 0; round < 15; round++) {
        // unreferenced groups that prune wants gone while a policy wants them
        const ids = [`r${round}/dst`, `r${round}/src`];
        await a.ensureGroups(ids);
        const policy = {
          source: ids[1]!,
          destination: ids[0]!,
          protocol: 'tcp' as const,
          ports: { start: 80, end: 80 },
        };
        await Promise.all([a.pruneGroups(), b.createPolicies([policy]), a.pruneGroups()]);
        const listed = await b.listPolicies({ ids: [ids[0]!] });
        assert.equal(listed.length, 1, `round ${round}`);
        assert.deepEqual(
          (await b.groups({ ids })).map((g) => g.id),
          ids,
        );
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('all 65,535 tags in use: a clear error, nothing written; freed tags are then taken lowest first', async () => {
    const url = await ctx.fresh();
    const repo = await openPolicyRepo({ url });
    const raw = await rawStore(url);
    try {
      // 65,534 groups in one statement (the same SQL on both stores)
      await sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < 65534)
        insert into policy_groups (id, tag, project_id, created)
        select 'x/' || i, i, null, '2026-01-01T00:00:00.000Z' from s`.execute(raw.db);
      assert.deepEqual(
        (await repo.ensureGroups(['z/last'])).map((g) => g.tag),
        ['ffff'],
      );
      const v = (await repo.state()).version;
      const full = async (p: Promise<unknown>) => {
        const err = await p.then(
          () => assert.fail('accepted'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof OsnetError);
        assert.equal(err.code, 'OSNET_ERR_STORE_EXHAUSTED');
        assert.equal(err.field, 'ids');
        assert.match(err.message, /all 65535 policy group tags are in use/);
      };
      await full(repo.ensureGroups(['z/one-more']));
      // all or nothing: the policy between existing groups is not written either
      await full(
        repo.createPolicies([
          { source: 'x/1', destination: 'x/2', protocol: 'tcp', ports: { start: 1, end: 1 } },
          { source: 'x/1', destination: 'z/new', protocol: 'tcp', ports: { start: 1, end: 1 } },
        ]),
      );
      assert.deepEqual(await repo.listPolicies({ ids: ['x/1'] }), []);
      assert.deepEqual(await repo.groups({ ids: ['z/one-more', 'z/new'] }), []);
      assert.equal((await repo.state()).version, v);

      await raw.db.deleteFrom('policy_groups').where('id', 'in', ['x/7', 'x/5']).execute();
      assert.deepEqual(
        (await repo.ensureGroups(['z/a', 'z/b'])).map((g) => g.tag),
        ['0005', '0007'],
      );
      await full(repo.ensureGroups(['z/c']));
    } finally {
      await Promise.all([raw.close(), repo.close()]);
    }
  });
});
