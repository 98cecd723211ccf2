import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as domains from './index.ts';

describe('identity v3 domains (lab)', () => {
  const lab = labFixture(['lab-admin'], 'identity');
  let id: ServiceClient;

  before(async () => {
    [, [id]] = await lab.open();
  });
  after(() => lab.close());

  it('gets the default domain and finds it by name', async () => {
    const d = await domains.get(id, 'default');
    assert.equal(d.name, 'Default');
    assert.equal(d.enabled, true);
    assert.deepEqual(
      (await collect(domains.list(id, { name: 'Default' }))).map((x) => x.id),
      ['default'],
    );
    assert.equal((await collect(domains.list(id, { name: testName('ks') }))).length, 0);
  });

  it('answers 404 for an unknown domain', async () => {
    await assert.rejects(domains.get(id, testName('ks')), NotFoundError);
  });
});
