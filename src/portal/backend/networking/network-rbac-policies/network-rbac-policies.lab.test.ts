// Integration: the network RBAC policies backend against the lab's Neutron, in throwaway projects.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import { networks, rbacPolicies } from '../../../../openstack/networking/v2/index.ts';
import { type NetworkingScope, networkingScope } from '../../../../testing/portal/networking-scope.ts';
import { rbacBackend } from './backend.ts';

let t: NetworkingScope;
let other: string;
let networkId: string;
const marker = () => randomUUID().replaceAll('-', '');

before(async () => {
  t = await networkingScope('prbac');
  other = await t.otherProject('prbac2');
  networkId = (await networks.create(t.net, { name: 'shared', project_id: t.scope.projectId })).id;
});
after(() => t.close());

test('create twice makes one policy; the target tenant is given access in Neutron', async () => {
  const spec = { network: networkId, target_tenant: other, policy_type: 'access_as_shared' as const };
  const a = await rbacBackend.create(t.scope, spec, marker());
  const b = await rbacBackend.create(t.scope, spec, marker());
  assert.equal(a.record.backend_id, b.record.backend_id);
  const p = await rbacPolicies.get(t.net, a.record.backend_id);
  assert.equal(p.object_id, networkId);
  assert.equal(p.target_tenant, other);
  assert.equal(p.action, 'access_as_shared');
  assert.equal(p.project_id, t.scope.projectId);
  const all = await collect(rbacPolicies.list(t.net, { object_id: networkId, target_tenant: other }));
  assert.equal(all.length, 1);
  assert.equal(a.record.fields.inbound, false);
});

test("another tenant's network cannot be shared (the connection is admin, the backend refuses)", async () => {
  const foreign = await networks.create(t.net, { name: 'foreign', project_id: other });
  await assert.rejects(
    rbacBackend.create(
      t.scope,
      { network: foreign.id, target_tenant: t.scope.projectId, policy_type: 'access_as_shared' },
      marker(),
    ),
    (e: unknown) => e instanceof OsnetError && e.field === 'body.network',
  );
  assert.deepEqual(await collect(rbacPolicies.list(t.net, { object_id: foreign.id })), []);
});

test('list: the tenant’s policies and those targeting it, one call each; the target sees it as inbound', async () => {
  const external = await rbacBackend.create(
    t.scope,
    { network: networkId, target_tenant: other, policy_type: 'access_as_external' },
    marker(),
  );
  const { scope, calls } = t.counting();
  const mine = await rbacBackend.list(scope);
  assert.equal(calls.length, 2, calls.join('\n'));
  assert.ok(
    mine.some(
      (r) => r.backend_id === external.record.backend_id && r.fields.policy_type === 'access_as_external',
    ),
  );
  const theirs = await rbacBackend.list({ ...t.scope, projectId: other });
  const seen = theirs.find((r) => r.backend_id === external.record.backend_id);
  assert.equal(seen?.fields.inbound, true);
  assert.equal(seen?.parent_backend_id, networkId);
});

test('delete twice is fine; the policy is gone', async () => {
  const net2 = await networks.create(t.net, { name: 'n2', project_id: t.scope.projectId });
  const { record } = await rbacBackend.create(
    t.scope,
    { network: net2.id, target_tenant: other, policy_type: 'access_as_shared' },
    marker(),
  );
  await rbacBackend.delete(t.scope, record.backend_id);
  await rbacBackend.delete(t.scope, record.backend_id);
  assert.equal(await rbacPolicies.removeIfExists(t.net, record.backend_id), false);
});
