// Offline (undici MockAgent): Glance image requests, shapes from Glance's v2 API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { collect } from '../../../client/pagination.ts';
import * as images from './index.ts';

const IMAGE = {
  id: 'i1',
  name: 'cirros',
  status: 'queued',
  visibility: 'private',
  container_format: 'bare',
  disk_format: 'qcow2',
  size: null,
  virtual_size: null,
  checksum: null,
  min_disk: 0,
  min_ram: 0,
  protected: false,
  os_hidden: false,
  owner: 'p-mock',
  tags: [],
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z',
  self: '/v2/images/i1',
  file: '/v2/images/i1/file',
  schema: '/v2/schemas/image',
};

const serve = mockServicePerTest();

test('create and get send and take bare images; update is a JSON patch of replace operations', async () => {
  const mock = serve('image', 'http://glance.test:9292/v2/')
    .on('POST', '/v2/images', { status: 201, body: IMAGE })
    .on('GET', '/v2/images/i1', { body: IMAGE })
    .on('PATCH', '/v2/images/i1', { body: { ...IMAGE, name: 'cirros-0.6', min_ram: 128 } });
  assert.equal(
    (await images.create(mock.client, { name: 'cirros', disk_format: 'qcow2', container_format: 'bare' })).id,
    'i1',
  );
  assert.equal((await images.get(mock.client, 'i1')).status, 'queued');
  const patched = await images.update(mock.client, 'i1', { name: 'cirros-0.6', min_ram: 128 });
  assert.equal(patched.min_ram, 128);
  assert.deepEqual(mock.requests[0]?.body, {
    name: 'cirros',
    disk_format: 'qcow2',
    container_format: 'bare',
  });
  const patch = mock.requests[2];
  assert.equal(patch?.headers['content-type'], 'application/openstack-images-v2.1-json-patch');
  assert.deepEqual(patch?.body, [
    { op: 'replace', path: '/name', value: 'cirros-0.6' },
    { op: 'replace', path: '/min_ram', value: 128 },
  ]);
});

test("list follows Glance's top-level next", async () => {
  const mock = serve('image', 'http://glance.test:9292/v2/')
    .on('GET', '/v2/images?visibility=public&limit=1', {
      body: {
        images: [IMAGE],
        first: '/v2/images?limit=1',
        next: '/v2/images?visibility=public&limit=1&marker=i1',
        schema: '/v2/schemas/images',
      },
    })
    .on('GET', '/v2/images?visibility=public&limit=1&marker=i1', {
      body: { images: [{ ...IMAGE, id: 'i2' }], first: '/v2/images?limit=1', schema: '/v2/schemas/images' },
    });
  assert.deepEqual(
    (await collect(images.list(mock.client, { visibility: 'public', limit: 1 }))).map((i) => i.id),
    ['i1', 'i2'],
  );
});

test('upload PUTs the data as is to images/{id}/file as application/octet-stream', async () => {
  const mock = serve('image', 'http://glance.test:9292/v2/').on('PUT', '/v2/images/i1/file', { status: 204 });
  await images.upload(mock.client, 'i1', 'raw image bytes');
  const put = mock.requests[0];
  assert.equal(put?.body, 'raw image bytes');
  assert.equal(put?.headers['content-type'], 'application/octet-stream');
  assert.equal(mock.requests.length, 1);
});
