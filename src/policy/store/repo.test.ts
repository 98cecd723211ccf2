// The PolicyRepo on both stores: groups and tags, create/delete semantics, all-or-nothing, filters, prune,
// and the state version (bumped only by a change).
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { describeStores } from '../../testing/store/stores.ts';
import type { Policy, PolicyRepo } from '../model.ts';
import { openPolicyRepo } from './index.ts';

const tcp = (source: string, destination: string, start: number, end = start): Policy => ({
  source,
  destination,
  protocol: 'tcp',
  ports: { start, end },
});

async function refused(p: Promise<unknown>, code: string, field?: string): Promise<OsnetError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OsnetError, String(err));
    assert.equal(err.code, code, err.message);
    if (field !== undefined) assert.equal(err.field, field, err.message);
    return err;
  }
  assert.fail('was accepted');
}

describeStores('policy repo', (ctx) => {
  let repo: PolicyRepo;
  before(async () => {
    repo = await openPolicyRepo({ url: ctx.url });
  });

  // each test uses its own ids (prefix) on the suite's one store
  it('ensureGroups: a tag of 4 hex digits each, in the order asked, the same tag on every later call', async () => {
    const ids = ['g/a', 'g/b', 'g/c', 'g/a'];
    const first = await repo.ensureGroups(ids, 'proj-g');
    assert.deepEqual(
      first.map((g) => g.id),
      ids,
    );
    for (const g of first) assert.match(g.tag, /^[0-9a-f]{4}$/);
    assert.equal(first[0]!.tag, first[3]!.tag);
    assert.equal(new Set(first.map((g) => g.tag)).size, 3);
    assert.deepEqual(
      first.map((g) => g.projectId),
      ['proj-g', 'proj-g', 'proj-g', 'proj-g'],
    );
    // the owner stays the one that created the group
    const again = await repo.ensureGroups(['g/c', 'g/b'], 'another');
    assert.deepEqual(again, [first[2], first[1]]);
    assert.deepEqual(await repo.groups({ ids: ['g/b', 'g/none'] }), [first[1]]);
    assert.deepEqual(
      (await repo.groups({ projectId: 'proj-g' })).map((g) => g.id),
      ['g/a', 'g/b', 'g/c'],
    );
  });

  it('createPolicies makes the groups it needs, with the project; creating again is a no-op', async () => {
    const p = [tcp('c/web', 'c/db', 5432), tcp('c/web', 'c/cache', 6379, 6380)];
    assert.deepEqual(await repo.createPolicies(p, 'proj-c'), { created: 2 });
    const v = (await repo.state()).version;
    assert.deepEqual(await repo.createPolicies(p, 'proj-c'), { created: 0 });
    // a duplicate inside one request counts once
    assert.deepEqual(await repo.createPolicies([p[0]!, p[0]!, tcp('c/web', 'c/db', 5433)]), { created: 1 });
    assert.equal((await repo.state()).version, v + 1);
    const groups = await repo.groups({ ids: ['c/web', 'c/db', 'c/cache'] });
    assert.deepEqual(
      groups.map((g) => g.projectId),
      ['proj-c', 'proj-c', 'proj-c'],
    );
    const listed = await repo.listPolicies({ sourceIds: ['c/web'] });
    assert.deepEqual(
      listed.map((r) => [r.destination, r.ports.start, r.ports.end]),
      [
        ['c/cache', 6379, 6380],
        ['c/db', 5432, 5432],
        ['c/db', 5433, 5433],
      ],
    );
    const tags = new Map(groups.map((g) => [g.id, g.tag]));
    for (const r of listed) {
      assert.equal(r.sourceTag, tags.get(r.source));
      assert.equal(r.destinationTag, tags.get(r.destination));
    }
  });

  it('deletePolicies removes what exists; a missing policy is not an error and changes nothing', async () => {
    await repo.createPolicies([tcp('d/a', 'd/b', 80), tcp('d/a', 'd/b', 443)]);
    const v = (await repo.state()).version;
    assert.deepEqual(await repo.deletePolicies([tcp('d/a', 'd/b', 81), tcp('d/none', 'd/b', 80)]), {
      deleted: 0,
    });
    assert.equal((await repo.state()).version, v);
    assert.deepEqual(
      await repo.deletePolicies([tcp('d/a', 'd/b', 80), tcp('d/a', 'd/b', 80), tcp('d/x', 'd/y', 1)]),
      {
        deleted: 1,
      },
    );
    assert.equal((await repo.state()).version, v + 1);
    // protocol is part of the key
    assert.deepEqual(await repo.deletePolicies([{ ...tcp('d/a', 'd/b', 443), protocol: 'udp' }]), {
      deleted: 0,
    });
    assert.deepEqual(
      (await repo.listPolicies({ ids: ['d/a'] })).map((r) => r.ports.start),
      [443],
    );
  });

  it('a bad item refuses the whole request, naming its field, and writes nothing', async () => {
    const v = (await repo.state()).version;
    const bad: [unknown, string][] = [
      [{ ...tcp('b/a', 'b/b', 80), ports: { start: 0, end: 80 } }, 'policies[1].ports.start'],
      [{ ...tcp('b/a', 'b/b', 80), ports: { start: 80, end: 65536 } }, 'policies[1].ports.end'],
      [{ ...tcp('b/a', 'b/b', 90), ports: { start: 90, end: 80 } }, 'policies[1].ports'],
      [{ ...tcp('b/a', 'b/b', 80), ports: { start: 1.5, end: 2 } }, 'policies[1].ports.start'],
      [{ ...tcp('b/a', 'b/b', 80), protocol: 'icmp' }, 'policies[1].protocol'],
      [{ ...tcp('b/a', 'b/b', 80), source: '' }, 'policies[1].source'],
      [{ ...tcp('b/a', 'b/b', 80), destination: 'x'.repeat(256) }, 'policies[1].destination'],
      [{ ...tcp('b/a', 'b/b', 80), ports: undefined }, 'policies[1].ports'],
      [null, 'policies[1]'],
    ];
    for (const [item, field] of bad) {
      await refused(
        repo.createPolicies([tcp('b/ok', 'b/ok2', 80), item as Policy]),
        'OSNET_ERR_VALIDATION',
        field,
      );
      await refused(
        repo.deletePolicies([tcp('b/ok', 'b/ok2', 80), item as Policy]),
        'OSNET_ERR_VALIDATION',
        field,
      );
    }
    await refused(repo.ensureGroups(['b/ok', '']), 'OSNET_ERR_VALIDATION', 'ids[1]');
    await refused(repo.ensureGroups(['b/ok'], ''), 'OSNET_ERR_VALIDATION', 'projectId');
    await refused(repo.listPolicies({ ids: [''] }), 'OSNET_ERR_VALIDATION', 'filter.ids[0]');
    assert.deepEqual(await repo.groups({ ids: ['b/ok', 'b/ok2', 'b/a', 'b/b'] }), []);
    assert.equal((await repo.state()).version, v);
    // an exact 255-character id and the port bounds are fine
    const long = `b/${'x'.repeat(253)}`;
    assert.deepEqual(await repo.createPolicies([tcp(long, 'b/ok', 1, 65535)]), { created: 1 });
  });

  it('listPolicies: ids match source OR destination; sourceIds, destIds and projectId narrow', async () => {
    await repo.createPolicies([tcp('f/a', 'f/b', 1), tcp('f/b', 'f/c', 2), tcp('f/c', 'f/a', 3)], 'proj-f');
    await repo.createPolicies([tcp('f/x', 'f/a', 4), tcp('f/x', 'f/y', 5)], 'proj-x');
    const ports = async (filter: Parameters<PolicyRepo['listPolicies']>[0]) =>
      (await repo.listPolicies(filter)).map((r) => r.ports.start);
    assert.deepEqual(await ports({ ids: ['f/a'] }), [1, 3, 4]);
    assert.deepEqual(await ports({ ids: ['f/b', 'f/y'] }), [1, 2, 5]);
    assert.deepEqual(await ports({ ids: ['f/none'] }), []);
    assert.deepEqual(await ports({ ids: [] }), []);
    assert.deepEqual(await ports({ sourceIds: ['f/x'] }), [4, 5]);
    assert.deepEqual(await ports({ destIds: ['f/a'] }), [3, 4]);
    assert.deepEqual(await ports({ sourceIds: ['f/x'], destIds: ['f/a', 'f/b'] }), [4]);
    // a policy counts for a project only when both its groups belong to it
    assert.deepEqual(await ports({ ids: ['f/a', 'f/x'], projectId: 'proj-f' }), [1, 3]);
    assert.deepEqual(await ports({ projectId: 'proj-x' }), [5]);
    assert.deepEqual(await ports({ projectId: 'proj-none' }), []);
  });

  it('listPolicies with more ids than one query takes still answers each policy once', async () => {
    const many = Array.from({ length: 4500 }, (_, i) => `m/${i}`);
    await repo.createPolicies([tcp('m/1', 'm/4400', 7), tcp('m/2100', 'm/3', 8)]);
    assert.deepEqual(
      (await repo.listPolicies({ ids: many })).map((r) => r.ports.start),
      [7, 8],
    );
  });

  it('pruneGroups deletes unreferenced groups not kept, and only those', async () => {
    await repo.ensureGroups(['p/lonely', 'p/kept']);
    await repo.createPolicies([tcp('p/src', 'p/dst', 9)]);
    const v = (await repo.state()).version;
    const pruned = await repo.pruneGroups(['p/kept', 'g/a', 'g/b', 'g/c']);
    assert.ok(pruned.includes('p/lonely'));
    for (const id of ['p/kept', 'p/src', 'p/dst', 'g/a']) assert.ok(!pruned.includes(id), id);
    assert.equal((await repo.state()).version, v + 1);
    assert.deepEqual(
      (await repo.groups({ ids: ['p/lonely', 'p/kept', 'p/src', 'p/dst'] })).map((g) => g.id),
      ['p/dst', 'p/kept', 'p/src'],
    );
    assert.deepEqual(await repo.pruneGroups(['p/kept', 'g/a', 'g/b', 'g/c']), []);
    assert.equal((await repo.state()).version, v + 1);
    // once its policy is gone, a group can go too
    await repo.deletePolicies([tcp('p/src', 'p/dst', 9)]);
    assert.deepEqual(
      (await repo.pruneGroups()).filter((id) => id.startsWith('p/')),
      ['p/dst', 'p/kept', 'p/src'],
    );
  });

  it('state: the version moves only with a change, lastUpdated with it', async () => {
    const s0 = await repo.state();
    // existing groups (policies reference them), reads, a no-op create and delete
    await repo.ensureGroups(['c/web', 'c/db']);
    await repo.createPolicies([tcp('c/web', 'c/db', 5432)]);
    await repo.deletePolicies([tcp('c/web', 'c/db', 1)]);
    await repo.listPolicies();
    await repo.groups();
    assert.deepEqual(await repo.state(), s0);
    await repo.ensureGroups(['s/new']);
    const s1 = await repo.state();
    assert.equal(s1.version, s0.version + 1);
    assert.ok(s1.lastUpdated.getTime() >= s0.lastUpdated.getTime());
  });

  it('check() answers; close() closes', async () => {
    const other = await openPolicyRepo({ url: ctx.url });
    await other.check();
    await other.close();
    await assert.rejects(other.check());
    await repo.check();
  });

  it('after everything, closing and reopening shows the same data', async () => {
    const before = await repo.listPolicies();
    const s = await repo.state();
    await repo.close();
    repo = await openPolicyRepo({ url: ctx.url });
    assert.deepEqual(await repo.listPolicies(), before);
    assert.deepEqual(await repo.state(), s);
    await repo.close();
  });
});
