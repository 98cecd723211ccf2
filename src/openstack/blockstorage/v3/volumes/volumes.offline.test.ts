// Offline (undici MockAgent): Cinder volume requests, shapes from Cinder's v3 API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { collect } from '../../../client/pagination.ts';
import * as volumes from './index.ts';

const EP = 'http://cinder.test:8776/v3/p-mock/';
const VOLUME = {
  id: 'v1',
  name: 'data',
  description: null,
  status: 'creating',
  size: 1,
  volume_type: 'lvmdriver-1',
  availability_zone: 'nova',
  bootable: 'false',
  encrypted: false,
  multiattach: false,
  attachments: [],
  metadata: {},
  snapshot_id: null,
  source_volid: null,
  user_id: 'u-mock',
  created_at: '2024-01-01T00:00:00.000000',
  updated_at: null,
};

const serve = mockServicePerTest();

test('create, update (PUT), list volumes/detail following volumes_links, delete', async () => {
  const mock = serve('block-storage', EP)
    .on('POST', '/v3/p-mock/volumes', { status: 202, body: { volume: VOLUME } })
    .on('PUT', '/v3/p-mock/volumes/v1', { body: { volume: { ...VOLUME, name: 'data2' } } })
    .on('GET', '/v3/p-mock/volumes/detail?limit=1', {
      body: {
        volumes: [VOLUME],
        volumes_links: [{ rel: 'next', href: `${EP}volumes/detail?limit=1&marker=v1` }],
      },
    })
    .on('GET', '/v3/p-mock/volumes/detail?limit=1&marker=v1', { body: { volumes: [] } })
    .on('DELETE', '/v3/p-mock/volumes/v1', { status: 202 });
  assert.equal((await volumes.create(mock.client, { size: 1, name: 'data' })).status, 'creating');
  assert.equal((await volumes.update(mock.client, 'v1', { name: 'data2' })).name, 'data2');
  assert.equal((await collect(volumes.list(mock.client, { limit: 1 }))).length, 1);
  await volumes.remove(mock.client, 'v1');
  assert.deepEqual(mock.requests[0]?.body, { volume: { size: 1, name: 'data' } });
  assert.deepEqual(mock.requests[1]?.body, { volume: { name: 'data2' } });
  assert.equal(mock.requests.length, 5);
});

test('a size is needed unless the volume copies a snapshot or volume; ifMatch is refused', async () => {
  const mock = serve('block-storage', EP).on('POST', '/v3/p-mock/volumes', {
    status: 202,
    body: { volume: VOLUME },
  });
  await assert.rejects(
    volumes.create(mock.client, { name: 'x' }),
    (e: unknown) => e instanceof OsnetError && e.field === 'volume.size',
  );
  await assert.rejects(
    volumes.update(mock.client, 'v1', { name: 'x' }, { ifMatch: 1 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'ifMatch',
  );
  assert.equal(mock.requests.length, 0);
  await volumes.create(mock.client, { snapshot_id: 'snap1' });
  assert.equal(mock.requests.length, 1);
});

test('extend posts the os-extend action once (never retried); a bad size names the field, no request', async () => {
  const mock = serve('block-storage', EP).on('POST', '/v3/p-mock/volumes/v1/action', { status: 202 });
  await volumes.extend(mock.client, 'v1', 3);
  assert.deepEqual(mock.requests[0]?.body, { 'os-extend': { new_size: 3 } });
  await assert.rejects(
    volumes.extend(mock.client, 'v1', 0),
    (e: unknown) => e instanceof OsnetError && e.field === 'os-extend.new_size',
  );
  assert.equal(mock.requests.length, 1);
});
