// Offline (undici MockAgent): Cinder quota-set requests, shapes from Cinder's v3 API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { UnexpectedResponseError } from '../../../../openstack/client/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import * as quotasets from './index.ts';

const EP = 'http://cinder.test:8776/v3/p-mock/';
const serve = mockServicePerTest();

test('update PUTs per-type keys as given; usage asks ?usage=true; defaults and reset', async () => {
  const usage = { id: 'p1', gigabytes: { limit: 10, in_use: 1, reserved: 0, allocated: 0 } };
  const mock = serve('block-storage', EP)
    .on('PUT', '/v3/p-mock/os-quota-sets/p1', {
      body: { quota_set: { gigabytes: 10, 'gigabytes_lab-nfs': 5 } },
    })
    .on('GET', '/v3/p-mock/os-quota-sets/p1?usage=true', { body: { quota_set: usage } })
    .on('GET', '/v3/p-mock/os-quota-sets/p1/defaults', { body: { quota_set: { id: 'p1', gigabytes: 1000 } } })
    .on('DELETE', '/v3/p-mock/os-quota-sets/p1', { status: 200 });
  await quotasets.update(mock.client, 'p1', { gigabytes: 10, 'gigabytes_lab-nfs': 5 });
  assert.deepEqual(mock.requests[0]?.body, { quota_set: { gigabytes: 10, 'gigabytes_lab-nfs': 5 } });
  assert.deepEqual((await quotasets.getUsage(mock.client, 'p1')).gigabytes, usage.gigabytes);
  assert.equal((await quotasets.getDefaults(mock.client, 'p1')).gigabytes, 1000);
  await quotasets.reset(mock.client, 'p1');
  assert.equal(mock.requests.length, 4);
});

test('an answer without quota_set is an unexpected response; a bad limit names its field before any request', async () => {
  const mock = serve('block-storage', EP).on('GET', '/v3/p-mock/os-quota-sets/p1?usage=true', { body: {} });
  await assert.rejects(quotasets.getUsage(mock.client, 'p1'), UnexpectedResponseError);
  await assert.rejects(
    quotasets.update(mock.client, 'p1', { 'volumes_lab-nfs': Number.NaN }),
    (e: unknown) => e instanceof OsnetError && e.field === 'quota_set.volumes_lab-nfs',
  );
  assert.equal(mock.requests.length, 1);
});
