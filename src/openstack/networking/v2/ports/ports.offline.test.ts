// Offline (undici MockAgent): the requests port calls send, as Neutron's API reference has them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { PreconditionFailedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import * as ports from './index.ts';

const EP = 'http://neutron.test:9696/v2.0/';
const PORT = {
  id: 'p1',
  name: 'web-1',
  network_id: 'n1',
  status: 'DOWN',
  mac_address: 'fa:16:3e:00:00:01',
  fixed_ips: [{ subnet_id: 's1', ip_address: '10.0.0.5' }],
  revision_number: 3,
};

const serve = mockServicePerTest();

test('list filters: repeated fixed_ips and fields, comma-joined tags, paging by ports_links', async () => {
  const mock = serve('network', EP)
    .on(
      'GET',
      '/v2.0/ports?fixed_ips=ip_address=10.0.0.5&fixed_ips=subnet_id=s1&tags=a,b&not-tags-any=c&fields=id&fields=status&limit=1',
      {
        body: {
          ports: [{ id: 'p1', status: 'DOWN' }],
          ports_links: [
            { rel: 'next', href: `${EP}ports?fixed_ips=ip_address%3D10.0.0.5&limit=1&marker=p1` },
          ],
        },
      },
    )
    .on('GET', '/v2.0/ports?fixed_ips=ip_address=10.0.0.5&limit=1&marker=p1', { body: { ports: [] } });
  const found = await collect(
    ports.list(mock.client, {
      fixed_ips: [{ ip_address: '10.0.0.5' }, { subnet_id: 's1' }],
      tags: ['a', 'b'],
      'not-tags-any': ['c'],
      fields: ['id', 'status'],
      limit: 1,
    }),
  );
  assert.deepEqual(found, [{ id: 'p1', status: 'DOWN' }]);
  assert.equal(mock.requests.length, 2);
});

test('create, createMany (one POST), update with If-Match, remove and removeIfExists', async () => {
  const mock = serve('network', EP)
    .on('POST', '/v2.0/ports', (req) =>
      (req.body as { ports?: unknown[] }).ports
        ? { status: 201, body: { ports: [PORT, { ...PORT, id: 'p2' }] } }
        : { status: 201, body: { port: PORT } },
    )
    .on('PUT', '/v2.0/ports/p1', (req) =>
      req.headers['if-match'] === 'revision_number=3'
        ? { body: { port: { ...PORT, name: 'web-2', revision_number: 4 } } }
        : {
            status: 412,
            body: { NeutronError: { type: 'RevisionNumberConstraintFailed', message: 'stale' } },
          },
    )
    .on(
      'DELETE',
      '/v2.0/ports/p1',
      { status: 204 },
      { status: 404, body: { NeutronError: { type: 'PortNotFound', message: 'gone' } } },
    );
  assert.equal((await ports.create(mock.client, { network_id: 'n1', name: 'web-1' })).id, 'p1');
  const two = await ports.createMany(mock.client, [{ network_id: 'n1' }, { network_id: 'n1' }]);
  assert.deepEqual(
    two.map((p) => p.id),
    ['p1', 'p2'],
  );
  assert.equal((await ports.update(mock.client, 'p1', { name: 'web-2' }, { ifMatch: 3 })).revision_number, 4);
  await assert.rejects(
    ports.update(mock.client, 'p1', { name: 'x' }, { ifMatch: 2 }),
    PreconditionFailedError,
  );
  await ports.remove(mock.client, 'p1');
  assert.equal(await ports.removeIfExists(mock.client, 'p1'), false);
  assert.deepEqual(
    mock.requests.map((r) => [r.method, r.url, r.body]),
    [
      ['POST', '/v2.0/ports', { port: { network_id: 'n1', name: 'web-1' } }],
      ['POST', '/v2.0/ports', { ports: [{ network_id: 'n1' }, { network_id: 'n1' }] }],
      ['PUT', '/v2.0/ports/p1', { port: { name: 'web-2' } }],
      ['PUT', '/v2.0/ports/p1', { port: { name: 'x' } }],
      ['DELETE', '/v2.0/ports/p1', undefined],
      ['DELETE', '/v2.0/ports/p1', undefined],
    ],
  );
});

test('an id of ".." or with "/" never reaches Neutron: ports/.. would be the collection root', () => {
  const mock = serve('network', EP);
  for (const id of ['..', '.', 'a/b', 'a?b', 'a#b', '']) {
    for (const call of [
      () => ports.get(mock.client as never, id),
      () => ports.remove(mock.client as never, id),
      () => ports.update(mock.client as never, id, { name: 'x' }),
    ]) {
      assert.throws(call, (e: unknown) => e instanceof OsnetError && e.field === 'port id');
    }
  }
  assert.equal(mock.requests.length, 0);
});
