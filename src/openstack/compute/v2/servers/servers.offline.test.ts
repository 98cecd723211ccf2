// Offline (undici MockAgent): Nova server requests, shapes from Nova's API reference (compute api-ref).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { redactText } from '../../../../lib/redact.ts';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { NOVA_V21_VERSION } from '../../../client/microversion.fixtures.ts';
import { microversionClient } from '../../../client/microversion.ts';
import { collect } from '../../../client/pagination.ts';
import * as servers from './index.ts';

const EP = 'http://nova.test:8774/v2.1/';
const SERVER = {
  id: 's1',
  name: 'vm1',
  status: 'BUILD',
  tenant_id: 'p-mock',
  user_id: 'u-mock',
  created: '2024-01-01T00:00:00Z',
  updated: '2024-01-01T00:00:00Z',
  flavor: { id: 'f1', links: [] },
  image: { id: 'i1', links: [] },
  addresses: {},
  metadata: {},
  key_name: null,
};

const serve = mockServicePerTest();

test('create posts {"server": ...} at the negotiated microversion; the adminPass is treated as a secret', async () => {
  const mock = serve('compute', EP)
    .on('GET', '/v2.1/', { body: NOVA_V21_VERSION })
    .on('POST', '/v2.1/servers', {
      status: 202,
      body: { server: { id: 's1', links: [], adminPass: 'Zs9xQw7e', 'OS-DCF:diskConfig': 'MANUAL' } },
    });
  const nova = await microversionClient(mock.asCloud(), 'compute', { min: '2.37', max: '2.79' });
  const made = await servers.create(nova, { name: 'vm1', flavorRef: 'f1', imageRef: 'i1', networks: 'none' });
  assert.equal(made.id, 's1');
  const post = mock.requests[1];
  assert.deepEqual(post?.body, {
    server: { name: 'vm1', flavorRef: 'f1', imageRef: 'i1', networks: 'none' },
  });
  assert.equal(post?.headers['openstack-api-version'], 'compute 2.79');
  assert.doesNotMatch(redactText('password Zs9xQw7e'), /Zs9xQw7e/);
});

test('list reads servers/detail and follows servers_links; get and remove by id', async () => {
  const mock = serve('compute', EP)
    .on('GET', '/v2.1/servers/detail?status=ERROR&limit=1', {
      body: {
        servers: [SERVER],
        servers_links: [{ rel: 'next', href: `${EP}servers/detail?status=ERROR&limit=1&marker=s1` }],
      },
    })
    .on('GET', '/v2.1/servers/detail?status=ERROR&limit=1&marker=s1', { body: { servers: [] } })
    .on('GET', '/v2.1/servers/s1', { body: { server: { ...SERVER, status: 'ACTIVE' } } })
    .on('DELETE', '/v2.1/servers/s1', { status: 204 });
  assert.deepEqual(
    (await collect(servers.list(mock.client, { status: 'ERROR', limit: 1 }))).map((s) => s.id),
    ['s1'],
  );
  assert.equal((await servers.get(mock.client, 's1')).status, 'ACTIVE');
  await servers.remove(mock.client, 's1');
  assert.equal(mock.requests.length, 4);
});

test('a create without name or flavorRef fails naming the field, before any request', async () => {
  const mock = serve('compute', EP);
  await assert.rejects(
    servers.create(mock.client, { name: 'vm1' } as servers.CreateServerOpts),
    (e: unknown) => e instanceof OsnetError && e.field === 'server.flavorRef',
  );
  assert.equal(mock.requests.length, 0);
});
