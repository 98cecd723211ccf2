// Integration: Neutron's quotas both ways for the portal's mapping (security_group_count,
// security_group_rule_count, floating_ip_count, network_count, subnet_count, port_count) on a scratch tenant:
// set by the admin, read back by the tenant, usage from quotas/{project}/details after a real network, reset.
// Base lab only (scripts/lab/up); fails, never skips, when it is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ScratchTenant, scratchTenant } from '../../../../testing/openstack/tenant.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { removeIfGone } from '../../../resource/resource.ts';
import * as networks from '../networks/index.ts';
import * as quotas from './index.ts';

let t: ScratchTenant;
let adminNet: ServiceClient;
let net: ServiceClient;

before(async () => {
  t = await scratchTenant('neutronq');
  adminNet = await t.admin.network();
  net = await t.cloud.network();
  // Neutron answers 404 to a reset of a project that has no own limits (any more)
  t.cleanup.defer(() => removeIfGone(() => quotas.reset(adminNet, t.projectId)));
});

after(async () => {
  await t?.close();
});

test("the portal's Neutron limits are read back by the tenant; details count a real network; reset restores the defaults", async () => {
  const want = {
    security_group: 5,
    security_group_rule: 50,
    floatingip: 2,
    network: 3 + Math.floor(Math.random() * 5),
    subnet: 4,
    port: 20,
  };
  const keys = Object.keys(want);
  const pick = (q: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, q[k]]));
  const defaults = await quotas.getDefaults(adminNet, t.projectId);
  assert.deepEqual(pick(await quotas.update(adminNet, t.projectId, want)), want);
  assert.deepEqual(pick(await quotas.get(net, t.projectId)), want);

  const n = await networks.create(net, { name: t.name });
  t.cleanup.defer(() => networks.removeIfExists(net, n.id));
  const details = await quotas.getDetails(net, t.projectId);
  assert.deepEqual(details.network, { limit: want.network, used: 1, reserved: 0 });
  assert.equal(details.floatingip?.limit, 2);
  assert.equal(details.port?.used, 0);
  await networks.remove(net, n.id);
  assert.equal((await quotas.getDetails(net, t.projectId)).network?.used, 0);

  await quotas.reset(adminNet, t.projectId);
  assert.deepEqual(pick(await quotas.get(adminNet, t.projectId)), pick(defaults));
});
