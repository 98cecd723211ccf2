// Offline (undici MockAgent, version documents from the API references in microversion.fixtures.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { mockServicePerTest } from '../../testing/openstack/mock-service.ts';
import {
  CINDER_V3_VERSION,
  MANILA_V2_VERSION,
  NOVA_V21_VERSION,
  NOVA_VERSIONS,
  PLACEMENT_ROOT,
} from './microversion.fixtures.ts';
import { microversionClient, negotiate, parseVersionDocument } from './microversion.ts';

const serve = mockServicePerTest();

function unsupported(e: unknown, ...parts: RegExp[]): boolean {
  assert.ok(e instanceof OsnetError, String(e));
  assert.equal(e.code, 'OSNET_ERR_UNSUPPORTED');
  for (const p of parts) assert.match(e.message, p);
  return true;
}

test('Nova: the highest common microversion is sent on every call, in both header forms', async () => {
  const mock = serve('compute', 'http://nova.test:8774/v2.1/')
    .on('GET', '/v2.1/', { body: NOVA_V21_VERSION })
    .on('GET', '/v2.1/flavors/detail', { body: { flavors: [] } })
    .on('GET', '/v2.1/servers/detail', { body: { servers: [] } });
  const nova = await microversionClient(mock.asCloud(), 'compute', { min: '2.60', max: '2.79' });
  assert.equal(nova.microversion, '2.79');
  await nova.get('flavors/detail');
  await nova.get('servers/detail');
  const calls = mock.requests.slice(1);
  assert.equal(calls.length, 2);
  for (const r of calls) {
    assert.equal(r.headers['openstack-api-version'], 'compute 2.79');
    assert.equal(r.headers['x-openstack-nova-api-version'], '2.79');
  }
  // the version document itself is read without a microversion
  assert.equal(mock.requests[0]?.headers['openstack-api-version'], undefined);
});

test("Nova: a cloud below the caller's minimum fails at once, naming both ranges", async () => {
  const old = structuredClone(NOVA_V21_VERSION);
  old.version.version = '2.53';
  const mock = serve('compute', 'http://nova.test:8774/v2.1/').on('GET', '/v2.1/', { body: old });
  await assert.rejects(microversionClient(mock.asCloud(), 'compute', { min: '2.60', max: '2.79' }), (e) =>
    unsupported(e, /compute API v2\.1 supports microversions 2\.1 to 2\.53/, /needs 2\.60 to 2\.79/),
  );
  assert.equal(mock.requests.length, 1, 'no call is made at a version the cloud cannot serve');
});

test('Cinder: the document is found above the project-scoped endpoint; the header names "volume"', async () => {
  const mock = serve('block-storage', 'http://cinder.test:8776/v3/p-mock/')
    .on('GET', '/v3/p-mock/', { status: 404, body: { itemNotFound: { code: 404, message: 'not found' } } })
    .on('GET', '/v3/', { body: CINDER_V3_VERSION })
    .on('GET', '/v3/p-mock/volumes/detail', { body: { volumes: [] } });
  const cinder = await microversionClient(mock.asCloud(), 'block-storage', { min: '3.0', max: '3.60' });
  assert.equal(cinder.microversion, '3.60');
  await cinder.get('volumes/detail');
  assert.equal(mock.requests.at(-1)?.headers['openstack-api-version'], 'volume 3.60');
  assert.deepEqual(mock.lines(), ['GET /v3/p-mock/', 'GET /v3/', 'GET /v3/p-mock/volumes/detail']);
});

test("Placement: max_version is the server's maximum; a caller range inside it is met at its top", async () => {
  const mock = serve('placement', 'http://placement.test/')
    .on('GET', '/', { body: PLACEMENT_ROOT })
    .on('GET', '/resource_providers', { body: { resource_providers: [] } });
  const placement = await microversionClient(mock.asCloud(), 'placement', { min: '1.20', max: '1.36' });
  assert.equal(placement.microversion, '1.36');
  await placement.get('resource_providers');
  assert.equal(mock.requests.at(-1)?.headers['openstack-api-version'], 'placement 1.36');
});

test('Manila-style: the legacy X-OpenStack-Manila-API-Version header is sent too', async () => {
  const mock = serve('shared-file-system', 'http://manila.test:8786/v2/')
    .on('GET', '/v2/', { body: MANILA_V2_VERSION })
    .on('GET', '/v2/shares', { body: { shares: [] } });
  const manila = await microversionClient(mock.asCloud(), 'shared-file-system', { min: '2.40', max: '2.90' });
  assert.equal(manila.microversion, '2.78');
  await manila.get('shares');
  const last = mock.requests.at(-1);
  assert.equal(last?.headers['x-openstack-manila-api-version'], '2.78');
  assert.equal(last?.headers['openstack-api-version'], 'shared-file-system 2.78');
});

test('the version document of the endpoint’s major version is used; one without microversions is refused', () => {
  const entries = parseVersionDocument(NOVA_VERSIONS);
  assert.deepEqual(
    entries.map((e) => [e.id, e.min, e.max]),
    [
      ['v2.0', undefined, undefined],
      ['v2.1', '2.1', '2.90'],
    ],
  );
  const [v20, v21] = entries;
  assert.ok(v20 && v21);
  assert.equal(negotiate(v21, { min: '2.1', max: '2.95' }, 'compute'), '2.90');
  assert.throws(
    () => negotiate(v20, { min: '2.1', max: '2.79' }, 'compute'),
    (e) => unsupported(e, /has no microversions/),
  );
  // a range above the server and one across majors have nothing in common
  assert.throws(
    () => negotiate(v21, { min: '2.91', max: '2.99' }, 'compute'),
    (e) => unsupported(e, /2\.1 to 2\.90/),
  );
  assert.throws(
    () => negotiate(v21, { min: '3.0', max: '3.5' }, 'compute'),
    (e) => unsupported(e, /needs 3\.0 to 3\.5/),
  );
});

test('bad ranges fail naming the field', () => {
  const [, v21] = parseVersionDocument(NOVA_VERSIONS);
  assert.ok(v21);
  for (const [want, field] of [
    [{ min: '2', max: '2.79' }, 'microversion.min'],
    [{ min: '2.1', max: 'latest' }, 'microversion.max'],
    [{ min: '2.80', max: '2.79' }, 'microversion.min'],
  ] as const) {
    assert.throws(
      () => negotiate(v21, want, 'compute'),
      (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === field,
    );
  }
});
