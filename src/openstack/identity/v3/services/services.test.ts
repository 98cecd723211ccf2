import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as services from './index.ts';

/** The lab's keystone.conf sets [catalog] list_limit = 50 (scripts/lab/up). */
const LAB_CATALOG_LIST_LIMIT = 50;

describe('identity v3 catalog services (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let demo: Cloud;
  let id: ServiceClient;
  const made: string[] = [];

  before(async () => {
    [[, demo], [id]] = await lab.open();
  });
  after(async () => {
    await Promise.all(made.map((s) => services.remove(id, s).catch(() => undefined)));
    await lab.close();
  });

  it('creates, gets, lists by type, updates and deletes a service (404 after)', async () => {
    const type = testName('ks');
    const s = await services.create(id, { type, name: `${type}-svc`, description: 'one' });
    made.push(s.id);
    assert.equal(s.type, type);
    assert.equal(s.enabled, true);
    assert.equal((await services.get(id, s.id)).name, `${type}-svc`);
    assert.deepEqual(
      (await collect(services.list(id, { type }))).map((x) => x.id),
      [s.id],
    );
    const upd = await services.update(id, s.id, { description: 'two', enabled: false });
    assert.equal(upd.description, 'two');
    assert.equal(upd.enabled, false);
    await services.remove(id, s.id);
    await assert.rejects(services.get(id, s.id), NotFoundError);
  });

  it('the seeded catalog has identity and network', async () => {
    const types = (await collect(services.list(id))).map((s) => s.type);
    assert.ok(types.includes('identity') && types.includes('network'), types.join(','));
  });

  it('Keystone truncates at its list_limit and says so (it has no pages to follow)', async () => {
    const before = await services.listPage(id);
    assert.equal(before.truncated, false);
    const need = LAB_CATALOG_LIST_LIMIT + 1 - before.items.length;
    const prefix = testName('ks');
    for (let i = 0; i < need; i += 10) {
      const batch = Array.from({ length: Math.min(10, need - i) }, (_, j) =>
        services.create(id, { type: `${prefix}-${i + j}` }),
      );
      for (const s of await Promise.all(batch)) made.push(s.id);
    }
    const cut = await services.listPage(id);
    assert.equal(cut.truncated, true);
    assert.equal(cut.items.length, LAB_CATALOG_LIST_LIMIT);
    // the iterator gets the same truncated list: Keystone sends no next link
    assert.equal((await collect(services.list(id))).length, LAB_CATALOG_LIST_LIMIT);
    // a filter narrow enough is not truncated
    const one = await services.listPage(id, { type: `${prefix}-0` });
    assert.equal(one.truncated, false);
    assert.equal(one.items.length, 1);
  });

  it('refuses a service without a type, naming the field; a member cannot create one', async () => {
    await assert.rejects(
      services.create(id, { type: '' }),
      (e: unknown) =>
        e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'service.type',
    );
    await assert.rejects(services.create(await demo.identity(), { type: testName('ks') }), ForbiddenError);
  });
});
