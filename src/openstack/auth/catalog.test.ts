import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OsnetError } from '../../lib/errors.ts';
import { type CatalogService, endpointFor, withVersion } from './catalog.ts';
import { authRequestBody, identityBase } from './token.ts';

// shape of the lab Keystone's token catalog (trimmed)
const CATALOG: CatalogService[] = [
  {
    id: 's1',
    type: 'network',
    name: 'neutron',
    endpoints: [
      {
        id: 'e1',
        interface: 'public',
        region: 'RegionOne',
        region_id: 'RegionOne',
        url: 'http://127.0.0.1:9696',
      },
      {
        id: 'e2',
        interface: 'internal',
        region: 'RegionOne',
        region_id: 'RegionOne',
        url: 'http://10.0.0.1:9696/',
      },
      {
        id: 'e3',
        interface: 'public',
        region: 'RegionTwo',
        region_id: 'RegionTwo',
        url: 'http://r2:9696/v2.0',
      },
    ],
  },
  {
    id: 's2',
    type: 'volumev3',
    endpoints: [
      {
        id: 'e4',
        interface: 'public',
        region: 'RegionOne',
        region_id: 'RegionOne',
        url: 'http://c:8776/v3/abc',
      },
    ],
  },
  {
    id: 's3',
    type: 'identity',
    endpoints: [
      {
        id: 'e5',
        interface: 'public',
        region: 'RegionOne',
        region_id: 'RegionOne',
        url: 'http://127.0.0.1:5000/v3/',
      },
    ],
  },
];

test('endpoint by type, interface and region, with the API version appended once', () => {
  assert.equal(endpointFor(CATALOG, { type: 'network', interface: 'public' }), 'http://127.0.0.1:9696/v2.0/');
  assert.equal(
    endpointFor(CATALOG, { type: 'network', interface: 'internal', region: 'RegionOne' }),
    'http://10.0.0.1:9696/v2.0/',
  );
  assert.equal(
    endpointFor(CATALOG, { type: 'network', interface: 'public', region: 'RegionTwo' }),
    'http://r2:9696/v2.0/',
  );
  assert.equal(endpointFor(CATALOG, { type: 'identity', interface: 'public' }), 'http://127.0.0.1:5000/v3/');
  // service-type alias
  assert.equal(endpointFor(CATALOG, { type: 'block-storage', interface: 'public' }), 'http://c:8776/v3/abc/');
});

test('missing service, interface or region: an error that says what the catalog has', () => {
  assert.throws(
    () => endpointFor(CATALOG, { type: 'compute', interface: 'public' }),
    (e: OsnetError) =>
      e.code === 'OSNET_ERR_OS_ENDPOINT' && /has: identity, network, volumev3/.test(e.message),
  );
  assert.throws(
    () => endpointFor(CATALOG, { type: 'network', interface: 'admin' }),
    (e: OsnetError) => e.field === 'interface' && /public@RegionOne, internal@RegionOne/.test(e.message),
  );
  assert.throws(
    () => endpointFor(CATALOG, { type: 'network', interface: 'public', region: 'Nowhere' }),
    (e: OsnetError) => e.field === 'region_name' && /in region Nowhere/.test(e.message),
  );
});

test('version suffix rules', () => {
  assert.equal(withVersion('http://h:9696', 'network'), 'http://h:9696/v2.0/');
  assert.equal(withVersion('http://h:9696/v2.0/', 'network'), 'http://h:9696/v2.0/');
  assert.equal(withVersion('http://h:8774/v2.1', 'compute'), 'http://h:8774/v2.1/');
  assert.equal(withVersion('http://h:8778', 'placement'), 'http://h:8778/');
  assert.equal(identityBase('http://k:5000'), 'http://k:5000/v3/');
  assert.equal(identityBase('http://k:5000/v3/'), 'http://k:5000/v3/');
});

test('auth request bodies for password, application credential and token', () => {
  const base = { auth_url: 'http://k/v3' };
  assert.deepEqual(
    authRequestBody({
      authType: 'password',
      auth: {
        ...base,
        username: 'u',
        password: 'p',
        user_domain_name: 'Default',
        project_name: 'x',
        project_domain_id: 'default',
      },
    }),
    {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'u', domain: { name: 'Default' }, password: 'p' } },
        },
        scope: { project: { name: 'x', domain: { id: 'default' } } },
      },
    },
  );
  assert.deepEqual(
    authRequestBody({
      authType: 'v3applicationcredential',
      auth: { ...base, application_credential_id: 'i', application_credential_secret: 's' },
    }),
    {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: 'i', secret: 's' } },
      },
    },
  );
  assert.deepEqual(
    authRequestBody({
      authType: 'v3applicationcredential',
      auth: { ...base, application_credential_name: 'n', application_credential_secret: 's', user_id: 'uid' },
    }),
    {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { name: 'n', secret: 's', user: { id: 'uid' } },
        },
      },
    },
  );
  assert.deepEqual(authRequestBody({ authType: 'token', auth: { ...base, token: 't', project_id: 'pid' } }), {
    auth: { identity: { methods: ['token'], token: { id: 't' } }, scope: { project: { id: 'pid' } } },
  });
});
