// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as networks from '../networks/index.ts';
import * as ports from '../ports/index.ts';
import * as rbacPolicies from './index.ts';

const lab = labFixture(['lab-admin', 'lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
let admin: Cloud;
let demo2: Cloud;
let net: ServiceClient;
let net2: ServiceClient;
let demo2Project: string;
let adminProject: string;

before(async () => {
  [[admin, , demo2], [, net, net2]] = await lab.open();
  demo2Project = (await demo2.token()).projectId!;
  adminProject = (await admin.token()).projectId!;
});

after(() => lab.close());

async function network(): Promise<networks.Network> {
  const n = await networks.create(net, { name: testName('rbac') });
  cleanup.defer(() => networks.removeIfExists(net, n.id));
  return n;
}

test('sharing a network with one project: it sees and uses it until the policy is deleted', async () => {
  const n = await network();
  await assert.rejects(networks.get(net2, n.id), NotFoundError);
  const policy = await rbacPolicies.create(net, {
    object_type: 'network',
    object_id: n.id,
    action: 'access_as_shared',
    target_tenant: demo2Project,
  });
  cleanup.defer(() => rbacPolicies.removeIfExists(net, policy.id));
  assert.equal(policy.target_tenant, demo2Project);
  assert.equal((await rbacPolicies.get(net, policy.id)).object_id, n.id);
  assert.equal((await networks.get(net2, n.id)).id, n.id, 'demo2 sees the shared network');

  const p = await ports.create(net2, { network_id: n.id });
  cleanup.defer(() => ports.removeIfExists(net2, p.id));
  await ports.remove(net2, p.id);

  await rbacPolicies.remove(net, policy.id);
  await assert.rejects(rbacPolicies.get(net, policy.id), NotFoundError);
  assert.equal(await rbacPolicies.removeIfExists(net, policy.id), false);
  await assert.rejects(networks.get(net2, n.id), NotFoundError, 'unshared again');
});

test('update moves the target; list filters by object and ids; others cannot see it', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) {
    const n = await network();
    const p = await rbacPolicies.create(net, {
      object_type: 'network',
      object_id: n.id,
      action: 'access_as_shared',
      target_tenant: demo2Project,
    });
    cleanup.defer(() => rbacPolicies.removeIfExists(net, p.id));
    made.push(p);
  }
  const moved = await rbacPolicies.update(net, made[0]!.id, { target_tenant: adminProject });
  assert.equal(moved.target_tenant, adminProject);

  const byObject = await collect(rbacPolicies.list(net, { object_id: made[1]!.object_id }));
  assert.deepEqual(
    byObject.map((p) => p.id),
    [made[1]!.id],
  );
  // Zed's RBAC API ignores limit/marker (no rbac_policies_links): the iterator must still yield every policy
  const paged = await collect(rbacPolicies.list(net, { ids: made.map((p) => p.id), limit: 2 }));
  assert.deepEqual(paged.map((p) => p.id).sort(), made.map((p) => p.id).sort());

  // the target project does not own the policy: it may not read or change it
  await assert.rejects(rbacPolicies.get(net2, made[2]!.id), NotFoundError);
  await assert.rejects(rbacPolicies.remove(net2, made[2]!.id), NotFoundError);
});

test('a create with an unknown object type fails before any request, naming the field', () => {
  assert.throws(
    () =>
      rbacPolicies.create(net, {
        object_type: 'volume' as 'network',
        object_id: 'x',
        action: 'access_as_shared',
        target_tenant: '*',
      }),
    (e: unknown) => e instanceof OsnetError && e.field === 'rbac_policy.object_type',
  );
});
