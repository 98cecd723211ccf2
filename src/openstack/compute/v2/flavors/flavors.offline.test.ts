// Offline (undici MockAgent): Nova flavor requests, shapes from Nova's API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { collect } from '../../../client/pagination.ts';
import * as flavors from './index.ts';

const FLAVOR = {
  id: 'f1',
  name: 'm1.tiny',
  ram: 512,
  vcpus: 1,
  disk: 1,
  swap: '',
  'OS-FLV-EXT-DATA:ephemeral': 0,
  'os-flavor-access:is_public': true,
};

const serve = mockServicePerTest();

test('list reads flavors/detail with Nova filter names; create posts {"flavor": ...}', async () => {
  const mock = serve('compute', 'http://nova.test:8774/v2.1/')
    .on('GET', '/v2.1/flavors/detail?minRam=256&is_public=None', { body: { flavors: [FLAVOR] } })
    .on('POST', '/v2.1/flavors', { body: { flavor: FLAVOR } });
  assert.deepEqual(
    (await collect(flavors.list(mock.client, { minRam: 256, is_public: 'None' }))).map((f) => f.name),
    ['m1.tiny'],
  );
  await flavors.create(mock.client, { name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 });
  assert.deepEqual(mock.requests[1]?.body, { flavor: { name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 } });
});

test('sizes are checked before any request, naming the field', async () => {
  const mock = serve('compute', 'http://nova.test:8774/v2.1/');
  await assert.rejects(
    flavors.create(mock.client, { name: 'x', ram: 512, vcpus: 0, disk: 1 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'flavor.vcpus',
  );
  assert.equal(mock.requests.length, 0);
});
