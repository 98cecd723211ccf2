// Offline (undici MockAgent): Cinder volume type requests, shapes from Cinder's v3 API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { collect } from '../../../client/pagination.ts';
import * as volumetypes from './index.ts';

const EP = 'http://cinder.test:8776/v3/p-mock/';
const TYPE = {
  id: 't1',
  name: 'lab-nfs',
  description: null,
  is_public: true,
  extra_specs: { volume_backend_name: 'nfs1' },
};
const serve = mockServicePerTest();

test('create posts {"volume_type": ...}; list reads volume_types with its filters; delete', async () => {
  const mock = serve('block-storage', EP)
    .on('POST', '/v3/p-mock/types', { body: { volume_type: TYPE } })
    .on('GET', '/v3/p-mock/types?is_public=None', { body: { volume_types: [TYPE] } })
    .on('DELETE', '/v3/p-mock/types/t1', { status: 202 });
  const made = await volumetypes.create(mock.client, {
    name: 'lab-nfs',
    extra_specs: { volume_backend_name: 'nfs1' },
  });
  assert.equal(made.id, 't1');
  assert.deepEqual(mock.requests[0]?.body, {
    volume_type: { name: 'lab-nfs', extra_specs: { volume_backend_name: 'nfs1' } },
  });
  assert.deepEqual(
    (await collect(volumetypes.list(mock.client, { is_public: 'None' }))).map((x) => x.name),
    ['lab-nfs'],
  );
  await volumetypes.remove(mock.client, 't1');
  assert.equal(mock.requests.length, 3);
});

test('a create without a name fails naming the field, before any request', async () => {
  const mock = serve('block-storage', EP);
  await assert.rejects(
    volumetypes.create(mock.client, { name: '' }),
    (e: unknown) => e instanceof OsnetError && e.field === 'volume_type.name',
  );
  assert.equal(mock.requests.length, 0);
});
