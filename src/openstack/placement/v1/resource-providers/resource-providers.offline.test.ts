// Offline (undici MockAgent): Placement resource provider requests, shapes from Placement's API reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { PLACEMENT_ROOT } from '../../../client/microversion.fixtures.ts';
import { microversionClient } from '../../../client/microversion.ts';
import { collect } from '../../../client/pagination.ts';
import * as resourceProviders from './index.ts';

const RP = {
  uuid: '7d2590ae-fb85-4080-9306-058b4c915e3f',
  name: 'wg-hub-1',
  generation: 0,
  parent_provider_uuid: null,
  root_provider_uuid: '7d2590ae-fb85-4080-9306-058b4c915e3f',
  links: [],
};

const serve = mockServicePerTest();

test('create, list, update (PUT) and delete bare providers, each at the negotiated microversion', async () => {
  const mock = serve('placement', 'http://placement.test/')
    .on('GET', '/', { body: PLACEMENT_ROOT })
    .on('POST', '/resource_providers', { body: RP })
    .on('GET', '/resource_providers?name=wg-hub-1', { body: { resource_providers: [RP] } })
    .on('PUT', `/resource_providers/${RP.uuid}`, { body: { ...RP, name: 'wg-hub-2', generation: 1 } })
    .on('DELETE', `/resource_providers/${RP.uuid}`, { status: 204 });
  const placement = await microversionClient(mock.asCloud(), 'placement', { min: '1.20', max: '1.39' });
  assert.equal((await resourceProviders.create(placement, { name: 'wg-hub-1' })).uuid, RP.uuid);
  assert.deepEqual(
    (await collect(resourceProviders.list(placement, { name: 'wg-hub-1' }))).map((r) => r.name),
    ['wg-hub-1'],
  );
  assert.equal((await resourceProviders.update(placement, RP.uuid, { name: 'wg-hub-2' })).generation, 1);
  await resourceProviders.remove(placement, RP.uuid);
  const calls = mock.requests.slice(1);
  assert.deepEqual(calls[0]?.body, { name: 'wg-hub-1' });
  assert.deepEqual(calls[2]?.body, { name: 'wg-hub-2' });
  for (const r of calls) assert.equal(r.headers['openstack-api-version'], 'placement 1.39');
});

test('an update needs a name (PUT replaces it)', async () => {
  const mock = serve('placement', 'http://placement.test/');
  await assert.rejects(
    resourceProviders.update(mock.client, RP.uuid, {} as resourceProviders.UpdateResourceProviderOpts),
    (e: unknown) => e instanceof OsnetError && e.field === 'resource_provider.name',
  );
  assert.equal(mock.requests.length, 0);
});
