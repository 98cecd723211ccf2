// Offline (undici MockAgent): the requests project calls send, as Keystone's API reference has them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mockServicePerTest } from '../../../../testing/openstack/mock-service.ts';
import { collect } from '../../../client/pagination.ts';
import * as projects from './index.ts';

const PROJECT = {
  id: 'p1',
  name: 'team-a',
  domain_id: 'default',
  description: '',
  enabled: true,
  parent_id: 'default',
  is_domain: false,
  tags: ['a'],
  options: {},
  links: { self: 'http://keystone.test:5000/v3/projects/p1' },
};

const serve = mockServicePerTest();

test('tag filters go out under Keystone keys tags, tags-any, not-tags, not-tags-any, comma-joined', async () => {
  const mock = serve('identity', 'http://keystone.test:5000/v3/').on(
    'GET',
    '/v3/projects?tags=a,b&tags-any=c,d&not-tags=e&not-tags-any=f,g&domain_id=default',
    { body: { projects: [PROJECT], links: { self: 'x', next: null, previous: null } } },
  );
  const found = await collect(
    projects.list(mock.client, {
      domain_id: 'default',
      tags: ['a', 'b'],
      'tags-any': ['c', 'd'],
      'not-tags': ['e'],
      'not-tags-any': ['f', 'g'],
    }),
  );
  assert.deepEqual(
    found.map((p) => p.id),
    ['p1'],
  );
});

test("listPage keeps Keystone's truncated flag", async () => {
  const mock = serve('identity', 'http://keystone.test:5000/v3/').on('GET', '/v3/projects?name=team-a', {
    body: { projects: [PROJECT], links: { self: 'x', next: null }, truncated: true },
  });
  const page = await projects.listPage(mock.client, { name: 'team-a' });
  assert.equal(page.truncated, true);
  assert.equal(page.items.length, 1);
});

test('create posts the project envelope; update is a PATCH; remove a DELETE', async () => {
  const mock = serve('identity', 'http://keystone.test:5000/v3/')
    .on('POST', '/v3/projects', { status: 201, body: { project: PROJECT } })
    .on('PATCH', '/v3/projects/p1', { body: { project: { ...PROJECT, description: 'x' } } })
    .on('DELETE', '/v3/projects/p1', { status: 204 });
  assert.equal((await projects.create(mock.client, { name: 'team-a', domain_id: 'default' })).id, 'p1');
  assert.equal((await projects.update(mock.client, 'p1', { description: 'x' })).description, 'x');
  await projects.remove(mock.client, 'p1');
  assert.deepEqual(
    mock.requests.map((r) => [r.method, r.url, r.body]),
    [
      ['POST', '/v3/projects', { project: { name: 'team-a', domain_id: 'default' } }],
      ['PATCH', '/v3/projects/p1', { project: { description: 'x' } }],
      ['DELETE', '/v3/projects/p1', undefined],
    ],
  );
});

test('bad tags and ids fail naming the field, before any request', async () => {
  const mock = serve('identity', 'http://keystone.test:5000/v3/');
  assert.throws(
    () => projects.list(mock.client as never, { 'tags-any': ['a,b'] }),
    (e: unknown) => (e as { field?: string }).field === 'filters.tags-any[0]',
  );
  await assert.rejects(
    projects.get(mock.client, '..'),
    (e: unknown) => (e as { field?: string }).field === 'projectId',
  );
  assert.equal(mock.requests.length, 0);
});
