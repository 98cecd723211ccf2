import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as roles from './index.ts';

describe('identity v3 roles (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let demo: Cloud;
  let id: ServiceClient;
  const made: string[] = [];

  before(async () => {
    [[, demo], [id]] = await lab.open();
  });
  after(async () => {
    for (const r of made) await roles.remove(id, r).catch(() => undefined);
    await lab.close();
  });

  it('creates, gets, lists by name, updates and deletes a role (404 after)', async () => {
    const name = testName('ks');
    const r = await roles.create(id, { name, description: 'one' });
    made.push(r.id);
    assert.equal(r.name, name);
    assert.equal(r.domain_id, null);
    assert.equal((await roles.get(id, r.id)).description, 'one');
    assert.deepEqual(
      (await collect(roles.list(id, { name }))).map((x) => x.id),
      [r.id],
    );
    const page = await roles.listPage(id);
    assert.equal(page.truncated, false);
    for (const n of ['admin', 'member', 'reader', 'service', name]) {
      assert.ok(
        page.items.some((x) => x.name === n),
        `role ${n} listed`,
      );
    }
    assert.equal((await roles.update(id, r.id, { description: 'two' })).description, 'two');
    await roles.remove(id, r.id);
    await assert.rejects(roles.get(id, r.id), NotFoundError);
  });

  it('refuses a role without a name, naming the field', async () => {
    await assert.rejects(
      roles.create(id, { name: '' }),
      (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'role.name',
    );
  });

  it('a member cannot create roles', async () => {
    await assert.rejects(roles.create(await demo.identity(), { name: testName('ks') }), ForbiddenError);
  });
});
