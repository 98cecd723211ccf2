// Integration: real Placement in the lab's compute extension (scripts/lab/compute-up). Reads only: the
// provider is the one nova-compute (fake driver) registered. Fails, never skips, when the extension should be
// up and is not (see computeLabEnabled).
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { COMPUTE_SKIP } from '../../../../testing/openstack/compute-lab.ts';
import { labCloud } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { microversionClient } from '../../../client/microversion.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as providers from './index.ts';

let admin: Cloud;
let placement: ServiceClient;

before(async () => {
  if (COMPUTE_SKIP) return;
  admin = await labCloud('lab-admin');
  placement = await microversionClient(admin, 'placement', { min: '1.14', max: '1.39' });
});

after(async () => {
  await admin?.close();
});

test("nova-compute's hypervisor is a root resource provider with VCPU, RAM and disk", {
  skip: COMPUTE_SKIP,
}, async () => {
  const [rp, ...more] = await collect(providers.list(placement, { name: hostname() }));
  assert.equal(more.length, 0);
  assert.ok(rp, `a provider named ${hostname()}`);
  assert.equal(rp.root_provider_uuid, rp.uuid);
  assert.equal((await providers.get(placement, rp.uuid)).name, hostname());
  // the same provider answers a resources query: it has room for one m1.tiny
  const fits = await collect(providers.list(placement, { resources: 'VCPU:1,MEMORY_MB:512,DISK_GB:1' }));
  assert.ok(fits.some((p) => p.uuid === rp.uuid));
});
