/**
 * The portal with the real engine wiring (the networking kinds' and the tenants' schemas) serves a valid
 * OpenAPI document with every route of the kinds, their actions and the tenants' (checked by
 * @readme/openapi-parser); no OpenStack call is made to build it.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { type TestPortal, testPortal } from '../../testing/portal/client.ts';
import { freshStore } from '../../testing/store/stores.ts';
import { realWiring } from '../jobs/wiring.ts';

let p: TestPortal;
let remove: () => Promise<void>;
let close: (() => Promise<void>) | undefined;

before(async () => {
  const s = await freshStore('sqlite');
  remove = s.remove;
  p = await testPortal(s.url, {
    engine: (store, secrets) => {
      const w = realWiring(store, secrets, { options: { schedules: false } });
      close = w.close;
      return w;
    },
  });
});
after(async () => {
  await p.close();
  await close?.();
  await remove();
});

it('serves a valid document with the routes of every kind, action and tenant action', async () => {
  const doc = (await p.document()) as { paths: Record<string, Record<string, unknown>> };
  const result = await validate(structuredClone(doc) as never);
  assert.ok(result.valid, result.valid ? '' : JSON.stringify(result.errors.slice(0, 3)));
  for (const kind of [
    'tenants',
    'networks',
    'subnets',
    'routers',
    'ports',
    'floating-ips',
    'sgp',
    'network-rbac-policies',
  ]) {
    assert.ok(doc.paths[`/api/openstack-${kind}/`]?.get, `${kind} list`);
    assert.ok(doc.paths[`/api/openstack-${kind}/{uuid}/`]?.delete, `${kind} delete`);
    assert.ok(doc.paths[`/api/openstack-${kind}/{uuid}/pull/`]?.post, `${kind} pull`);
  }
  for (const path of [
    '/api/openstack-tenants/{uuid}/set_quotas/',
    '/api/openstack-tenants/{uuid}/pull_quotas/',
    '/api/openstack-tenants/{uuid}/change_password/',
    '/api/openstack-tenants/{uuid}/create_network/',
    '/api/openstack-tenants/{uuid}/create_security_group/',
    '/api/openstack-tenants/{uuid}/create_floating_ip/',
    '/api/openstack-networks/{uuid}/create_subnet/',
    '/api/openstack-networks/{uuid}/set_mtu/',
    '/api/openstack-subnets/{uuid}/connect/',
    '/api/openstack-routers/{uuid}/add_interface/',
    '/api/openstack-routers/{uuid}/set_gateway/',
    '/api/openstack-floating-ips/{uuid}/attach_to_port/',
    '/api/openstack-sgp/{uuid}/set_rules/',
  ])
    assert.ok(doc.paths[path]?.post, path);
  assert.ok(doc.paths['/api/openstack-tenants/{uuid}/quotas/']?.get);
  assert.ok(doc.paths['/api/jobs/']?.get);
});
