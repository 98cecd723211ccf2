// Integration: real Cinder (NFS driver on a bind mount) in the lab's compute extension
// (scripts/lab/compute-up), in a scratch tenant. Fails, never skips, when the extension should be up and is
// not (see computeLabEnabled).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMPUTE_SKIP, LAB_VOLUME_TYPE } from '../../../../testing/openstack/compute-lab.ts';
import { type ScratchTenant, scratchTenant } from '../../../../testing/openstack/tenant.ts';
import { microversionClient } from '../../../client/microversion.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { waitFor, waitForGone, waitForStatus } from '../../../client/wait-for.ts';
import * as volumetypes from '../volume-types/index.ts';
import * as volumes from './index.ts';

const POLL = { intervalMs: 200, maxIntervalMs: 1000, timeoutMs: 120_000 };
let t: ScratchTenant;
let cinder: ServiceClient;

before(async () => {
  if (COMPUTE_SKIP) return;
  t = await scratchTenant('cinder');
  cinder = await microversionClient(t.cloud, 'block-storage', { min: '3.0', max: '3.70' });
});

after(async () => {
  await t?.close();
});

test('the seeded volume type names the NFS backend', { skip: COMPUTE_SKIP }, async () => {
  const admin = await t.admin.service('block-storage');
  const type = (await collect(volumetypes.list(admin))).find((x) => x.name === LAB_VOLUME_TYPE);
  assert.equal(type?.extra_specs.volume_backend_name, 'nfs1');
  assert.equal((await volumetypes.get(admin, type.id)).name, LAB_VOLUME_TYPE);
});

test('a volume becomes available, extends to 2 GiB and is deleted', { skip: COMPUTE_SKIP }, async () => {
  const made = await volumes.create(cinder, { size: 1, name: t.name });
  t.cleanup.defer(async () => {
    if (await volumes.removeIfExists(cinder, made.id)) {
      await waitForGone(() => volumes.get(cinder, made.id), { what: `volume ${made.id}`, ...POLL });
    }
  });
  const v = await waitForStatus(() => volumes.get(cinder, made.id), 'available', {
    what: `volume ${made.id}`,
    ...POLL,
  });
  assert.equal(v.size, 1);
  assert.equal(v.volume_type, LAB_VOLUME_TYPE);

  await volumes.extend(cinder, made.id, 2);
  const grown = await waitFor(
    () => volumes.get(cinder, made.id),
    (x) => x.size === 2 && x.status === 'available',
    { what: `volume ${made.id}`, wanted: '2 GiB and available', ...POLL },
  );
  assert.equal(grown.size, 2);

  await volumes.remove(cinder, made.id);
  await waitForGone(() => volumes.get(cinder, made.id), { what: `volume ${made.id}`, ...POLL });
});
