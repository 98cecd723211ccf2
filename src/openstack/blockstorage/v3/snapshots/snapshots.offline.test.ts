// Offline (undici MockAgent): Cinder snapshot requests, shapes from Cinder's v3 API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { collect } from '../../../client/pagination.ts';
import * as snapshots from './index.ts';

const EP = 'http://cinder.test:8776/v3/p-mock/';
const SNAP = {
  id: 's1',
  name: 'snap',
  description: null,
  status: 'creating',
  size: 1,
  volume_id: 'v1',
  metadata: {},
  created_at: '2024-01-01T00:00:00.000000',
  updated_at: null,
};

const serve = mockServicePerTest();

test("create, list a project's snapshots/detail following snapshots_links, delete", async () => {
  const mock = serve('block-storage', EP)
    .on('POST', '/v3/p-mock/snapshots', { status: 202, body: { snapshot: SNAP } })
    .on('GET', '/v3/p-mock/snapshots/detail?all_tenants=true&project_id=p2', {
      body: {
        snapshots: [SNAP],
        snapshots_links: [
          { rel: 'next', href: `${EP}snapshots/detail?all_tenants=true&project_id=p2&marker=s1` },
        ],
      },
    })
    .on('GET', '/v3/p-mock/snapshots/detail?all_tenants=true&project_id=p2&marker=s1', {
      body: { snapshots: [] },
    })
    .on('DELETE', '/v3/p-mock/snapshots/s1', { status: 202 });
  assert.equal((await snapshots.create(mock.client, { volume_id: 'v1', name: 'snap' })).status, 'creating');
  const listed = await collect(snapshots.list(mock.client, { all_tenants: true, project_id: 'p2' }));
  assert.deepEqual(
    listed.map((s) => s.id),
    ['s1'],
  );
  await snapshots.remove(mock.client, 's1');
  assert.deepEqual(mock.requests[0]?.body, { snapshot: { volume_id: 'v1', name: 'snap' } });
  assert.equal(mock.requests.length, 4);
});

test('a snapshot needs its volume_id: no request without it', async () => {
  const mock = serve('block-storage', EP);
  await assert.rejects(
    snapshots.create(mock.client, {} as snapshots.CreateSnapshotOpts),
    (e: unknown) => e instanceof OsnetError && e.field === 'snapshot.volume_id',
  );
  assert.equal(mock.requests.length, 0);
});
