import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { ForbiddenError, NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import type { EndpointInterface } from '../../../config/types.ts';
import * as services from '../services/index.ts';
import * as endpoints from './index.ts';

describe('identity v3 catalog endpoints (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo'], 'identity');
  let demo: Cloud;
  let id: ServiceClient;
  let serviceId: string;

  before(async () => {
    [[, demo], [id]] = await lab.open();
    serviceId = (await services.create(id, { type: testName('ks') })).id;
  });
  after(async () => {
    if (serviceId) await services.remove(id, serviceId).catch(() => undefined); // takes its endpoints along
    await lab.close();
  });

  it('creates, gets, lists with filters, updates and deletes an endpoint (404 after)', async () => {
    const made = await Promise.all(
      (['public', 'internal'] as const).map((i) =>
        endpoints.create(id, {
          service_id: serviceId,
          interface: i,
          url: `http://127.0.0.1:1/${i}`,
          region_id: 'RegionOne',
        }),
      ),
    );
    const pub = made[0]!;
    assert.equal(pub.interface, 'public');
    assert.equal(pub.region_id, 'RegionOne');
    assert.equal((await endpoints.get(id, pub.id)).url, 'http://127.0.0.1:1/public');
    assert.equal((await collect(endpoints.list(id, { service_id: serviceId }))).length, 2);
    assert.deepEqual(
      (await collect(endpoints.list(id, { service_id: serviceId, interface: 'internal' }))).map((e) => e.url),
      ['http://127.0.0.1:1/internal'],
    );
    assert.equal(
      (await endpoints.update(id, pub.id, { url: 'http://127.0.0.1:2/' })).url,
      'http://127.0.0.1:2/',
    );
    await endpoints.remove(id, pub.id);
    await assert.rejects(endpoints.get(id, pub.id), NotFoundError);
    assert.equal((await endpoints.listPage(id, { service_id: serviceId })).items.length, 1);
  });

  it('the seeded network service has public, internal and admin endpoints on 127.0.0.1:9696', async () => {
    const [net] = await collect(services.list(id, { type: 'network' }));
    assert.ok(net);
    const eps = await collect(endpoints.list(id, { service_id: net.id }));
    assert.deepEqual(eps.map((e) => e.interface).sort(), ['admin', 'internal', 'public']);
    for (const e of eps) assert.equal(e.url, 'http://127.0.0.1:9696');
  });

  it('refuses a bad interface or URL before any request, naming the field', async () => {
    await assert.rejects(
      endpoints.create(id, {
        service_id: serviceId,
        interface: 'outer' as EndpointInterface,
        url: 'http://x/',
      }),
      (e: unknown) =>
        e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'endpoint.interface',
    );
    await assert.rejects(
      endpoints.create(id, { service_id: serviceId, interface: 'public', url: 'not a url' }),
      (e: unknown) =>
        e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === 'endpoint.url',
    );
    assert.equal(
      (await endpoints.listPage(id, { service_id: serviceId, interface: 'public' })).items.length,
      0,
    );
  });

  it('a member cannot add endpoints', async () => {
    await assert.rejects(
      endpoints.create(await demo.identity(), {
        service_id: serviceId,
        interface: 'public',
        url: 'http://127.0.0.1:3/',
      }),
      ForbiddenError,
    );
  });
});
