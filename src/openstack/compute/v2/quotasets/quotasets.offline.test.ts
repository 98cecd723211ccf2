// Offline (undici MockAgent): Nova quota-set requests, shapes from Nova's API reference (os-quota-sets).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import * as quotasets from './index.ts';

const EP = 'http://nova.test:8774/v2.1/';
const serve = mockServicePerTest();

test('update PUTs {"quota_set": ...}; get, detail and defaults read their paths; reset DELETEs', async () => {
  const mock = serve('compute', EP)
    .on('PUT', '/v2.1/os-quota-sets/p1', { body: { quota_set: { cores: 8, ram: 8192, instances: 4 } } })
    .on('GET', '/v2.1/os-quota-sets/p1', { body: { quota_set: { id: 'p1', cores: 8 } } })
    .on('GET', '/v2.1/os-quota-sets/p1/detail', {
      body: { quota_set: { id: 'p1', cores: { limit: 8, in_use: 2, reserved: 0 } } },
    })
    .on('GET', '/v2.1/os-quota-sets/p1/defaults', { body: { quota_set: { id: 'p1', cores: 20 } } })
    .on('DELETE', '/v2.1/os-quota-sets/p1', { status: 202 });
  const set = await quotasets.update(mock.client, 'p1', { cores: 8, ram: 8192, instances: 4 });
  assert.equal(set.ram, 8192);
  assert.deepEqual(mock.requests[0]?.body, { quota_set: { cores: 8, ram: 8192, instances: 4 } });
  assert.equal((await quotasets.get(mock.client, 'p1')).cores, 8);
  assert.deepEqual((await quotasets.getDetail(mock.client, 'p1')).cores, {
    limit: 8,
    in_use: 2,
    reserved: 0,
  });
  assert.equal((await quotasets.getDefaults(mock.client, 'p1')).cores, 20);
  await quotasets.reset(mock.client, 'p1');
  assert.deepEqual(
    mock.requests.map((r) => `${r.method} ${r.url}`),
    [
      'PUT /v2.1/os-quota-sets/p1',
      'GET /v2.1/os-quota-sets/p1',
      'GET /v2.1/os-quota-sets/p1/detail',
      'GET /v2.1/os-quota-sets/p1/defaults',
      'DELETE /v2.1/os-quota-sets/p1',
    ],
  );
});

test('a limit that is not an integer >= -1 fails naming the field; a bad project id too; no request', async () => {
  const mock = serve('compute', EP);
  await assert.rejects(
    quotasets.update(mock.client, 'p1', { cores: 2, ram: -5 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'quota_set.ram',
  );
  await assert.rejects(
    quotasets.getDetail(mock.client, '../p2'),
    (e: unknown) => e instanceof OsnetError && e.field === 'project id',
  );
  assert.equal(mock.requests.length, 0);
});
