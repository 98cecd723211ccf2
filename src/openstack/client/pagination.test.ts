// Offline (undici MockAgent): which pages a list asks for, whatever shape the service's next link has.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MOCK_TOKEN, mockServicePerTest } from '../../testing/openstack/mock-service.ts';
import { collect, onEndpoint, paginate } from './pagination.ts';

const serve = mockServicePerTest();

test("Glance's top-level next (an absolute path) is followed", async () => {
  const mock = serve('image', 'http://glance.test:9292/v2/')
    .on('GET', '/v2/images?limit=1', {
      body: { images: [{ id: 'a' }], first: '/v2/images?limit=1', next: '/v2/images?limit=1&marker=a' },
    })
    .on('GET', '/v2/images?limit=1&marker=a', {
      body: { images: [{ id: 'b' }], first: '/v2/images?limit=1' },
    });
  const ids = (await collect(paginate<{ id: string }>(mock.client, 'images', 'images', { limit: 1 }))).map(
    (i) => i.id,
  );
  assert.deepEqual(ids, ['a', 'b']);
  assert.deepEqual(mock.lines(), ['GET /v2/images?limit=1', 'GET /v2/images?limit=1&marker=a']);
});

test('a next link on another origin (a TLS-terminating proxy) is rebased onto the endpoint', async () => {
  const mock = serve('network', 'https://cloud.test/network/v2.0/')
    .on('GET', '/network/v2.0/ports?limit=1', {
      body: {
        ports: [{ id: 'a' }],
        ports_links: [{ rel: 'next', href: 'http://10.0.0.5:9696/v2.0/ports?limit=1&marker=a' }],
      },
    })
    .on('GET', '/network/v2.0/ports?limit=1&marker=a', {
      body: {
        ports: [{ id: 'b' }],
        ports_links: [
          { rel: 'previous', href: 'http://10.0.0.5:9696/v2.0/ports?limit=1&marker=b&page_reverse=True' },
        ],
      },
    });
  const ids = (await collect(paginate<{ id: string }>(mock.client, 'ports', 'ports', { limit: 1 }))).map(
    (p) => p.id,
  );
  assert.deepEqual(ids, ['a', 'b']);
  assert.equal(mock.requests.length, 2);
  for (const r of mock.requests) assert.equal(r.headers['x-auth-token'], MOCK_TOKEN);
});

test("Keystone's links.next is followed and a page linking to itself ends the list", async () => {
  const mock = serve('identity', 'http://keystone.test:5000/v3/')
    .on('GET', '/v3/projects', {
      body: {
        projects: [{ id: 'p1' }],
        links: { self: 'x', next: 'http://keystone.test:5000/v3/projects?page=2' },
      },
    })
    .on('GET', '/v3/projects?page=2', {
      body: {
        projects: [{ id: 'p2' }],
        links: { self: 'x', next: 'http://keystone.test:5000/v3/projects?page=2' },
      },
    });
  const ids = (await collect(paginate<{ id: string }>(mock.client, 'projects', 'projects'))).map((p) => p.id);
  assert.deepEqual(ids, ['p1', 'p2']);
  assert.equal(mock.requests.length, 2);
});

test('onEndpoint keeps links on the endpoint and rebases the others below the API version', () => {
  const ep = 'https://cloud.test/network/v2.0/';
  assert.equal(
    onEndpoint('http://n.test:9696/v2.0/', 'http://n.test:9696/v2.0/ports?marker=a'),
    'http://n.test:9696/v2.0/ports?marker=a',
  );
  assert.equal(onEndpoint(ep, 'http://10.0.0.5:9696/v2.0/ports?marker=a'), `${ep}ports?marker=a`);
  assert.equal(onEndpoint(ep, 'https://cloud.test/v2.0/ports?marker=a'), `${ep}ports?marker=a`);
  assert.equal(
    onEndpoint('https://cloud.test/image/v2/', '/v2/images?marker=a'),
    'https://cloud.test/image/v2/images?marker=a',
  );
  assert.equal(
    onEndpoint('https://cloud.test:8774/v2.1/', 'http://nova:8774/v2.1/servers/detail?marker=a&limit=2'),
    'https://cloud.test:8774/v2.1/servers/detail?marker=a&limit=2',
  );
  // a link anywhere else still only ever goes to the endpoint's origin
  assert.equal(new URL(onEndpoint(ep, 'https://evil.test/x?y=1')).origin, 'https://cloud.test');
});
