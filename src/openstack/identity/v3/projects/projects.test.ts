import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as projects from './index.ts';

describe('identity v3 projects (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let demo: Cloud;
  let id: ServiceClient;
  const made: string[] = [];

  before(async () => {
    [[, demo], [id]] = await lab.open();
  });
  after(async () => {
    for (const p of made) await projects.remove(id, p).catch(() => undefined);
    await lab.close();
  });

  it('creates, gets, lists with filters, updates and deletes a project (404 after)', async () => {
    const name = testName('ks');
    const p = await projects.create(id, {
      name,
      domain_id: 'default',
      description: 'first',
      tags: [`${name}-x`],
    });
    made.push(p.id);
    assert.equal(p.name, name);
    assert.equal(p.domain_id, 'default');
    assert.equal(p.enabled, true);
    assert.deepEqual(p.tags, [`${name}-x`]);

    const got = await projects.get(id, p.id);
    assert.equal(got.description, 'first');

    const byName = await collect(projects.list(id, { name, domain_id: 'default' }));
    assert.deepEqual(
      byName.map((x) => x.id),
      [p.id],
    );
    const byTag = await collect(projects.list(id, { tags: [`${name}-x`] }));
    assert.deepEqual(
      byTag.map((x) => x.id),
      [p.id],
    );
    const page = await projects.listPage(id, { name });
    assert.equal(page.items.length, 1);
    assert.equal(page.truncated, false, 'no list_limit is set for projects in the lab');

    const upd = await projects.update(id, p.id, { description: 'second', enabled: false });
    assert.equal(upd.description, 'second');
    assert.equal(upd.enabled, false);
    assert.equal((await projects.get(id, p.id)).enabled, false);

    await projects.remove(id, p.id);
    await assert.rejects(projects.get(id, p.id), NotFoundError);
    await assert.rejects(projects.remove(id, p.id), NotFoundError);
  });

  it('lists every project (the lab seeded admin, service, demo, demo2)', async () => {
    const names = (await collect(projects.list(id))).map((p) => p.name);
    for (const n of ['admin', 'service', 'demo', 'demo2'])
      assert.ok(names.includes(n), `missing project ${n}`);
  });

  it('refuses bad input before any request, naming the field', async () => {
    await assert.rejects(
      projects.create(id, { name: '' }),
      (e: unknown) =>
        e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'project.name',
    );
    await assert.rejects(
      projects.get(id, ''),
      (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'projectId',
    );
  });

  it("isolation: demo can read its own project but not demo2's, and cannot change either", async () => {
    const demoId = await demo.identity();
    const [d2] = await collect(projects.list(id, { name: 'demo2' }));
    const own = (await demo.token()).projectId!;
    assert.ok(d2);
    assert.equal((await projects.get(demoId, own)).name, 'demo');
    await assert.rejects(projects.get(demoId, d2.id), ForbiddenError);
    await assert.rejects(projects.update(demoId, d2.id, { description: 'taken over' }), ForbiddenError);
    await assert.rejects(projects.update(demoId, own, { description: 'self-service' }), ForbiddenError);
    await assert.rejects(collect(projects.list(demoId)), ForbiddenError);
    assert.notEqual((await projects.get(id, d2.id)).description, 'taken over');
  });
});
