// Integration: Cinder's quota calls both ways on a scratch tenant (the portal's storage/volumes/snapshots and
// per-volume-type mapping): set by the admin, read back, usage from ?usage=true after a real volume, reset.
// Lab compute extension (scripts/lab/compute-up); fails, never skips, when it should be up and is not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { COMPUTE_SKIP, LAB_VOLUME_TYPE } from '../../../../testing/openstack/compute-lab.ts';
import { type ScratchTenant, scratchTenant } from '../../../../testing/openstack/tenant.ts';
import { ForbiddenError } from '../../../client/errors.ts';
import { microversionClient } from '../../../client/microversion.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { waitForGone, waitForStatus } from '../../../client/wait-for.ts';
import * as volumes from '../volumes/index.ts';
import * as quotasets from './index.ts';

const POLL = { intervalMs: 200, maxIntervalMs: 1000, timeoutMs: 120_000 };
const T = LAB_VOLUME_TYPE;
let t: ScratchTenant;
let adminCinder: ServiceClient;
let cinder: ServiceClient;

before(async () => {
  if (COMPUTE_SKIP) return;
  t = await scratchTenant('cinderq');
  adminCinder = await microversionClient(t.admin, 'block-storage', { min: '3.0', max: '3.70' });
  cinder = await microversionClient(t.cloud, 'block-storage', { min: '3.0', max: '3.70' });
  t.cleanup.defer(() => quotasets.reset(adminCinder, t.projectId));
});

after(async () => {
  await t?.close();
});

test('limits (also per volume type) set by the admin are read back; usage counts a real volume; reset restores the defaults', {
  skip: COMPUTE_SKIP,
}, async () => {
  const defaults = await quotasets.getDefaults(adminCinder, t.projectId);
  const want = {
    gigabytes: 10 + Math.floor(Math.random() * 10),
    volumes: 4,
    snapshots: 3,
    [`gigabytes_${T}`]: 6,
    [`volumes_${T}`]: 2,
    [`snapshots_${T}`]: 1,
  };
  const keys = Object.keys(want);
  const pick = (q: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, q[k]]));
  assert.deepEqual(pick(await quotasets.update(adminCinder, t.projectId, want)), want);
  assert.deepEqual(pick(await quotasets.get(cinder, t.projectId)), want);

  const made = await volumes.create(cinder, { size: 1, name: t.name });
  t.cleanup.defer(async () => {
    if (await volumes.removeIfExists(cinder, made.id)) {
      await waitForGone(() => volumes.get(cinder, made.id), { what: `volume ${made.id}`, ...POLL });
    }
  });
  await waitForStatus(() => volumes.get(cinder, made.id), 'available', {
    what: `volume ${made.id}`,
    ...POLL,
  });
  const usage = await quotasets.getUsage(cinder, t.projectId);
  assert.deepEqual(usage.gigabytes, { limit: want.gigabytes, in_use: 1, reserved: 0 });
  assert.deepEqual(usage.volumes, { limit: 4, in_use: 1, reserved: 0 });
  assert.equal((usage[`gigabytes_${T}`] as quotasets.VolumeQuotaUsage).in_use, 1);
  assert.equal((usage[`volumes_${T}`] as quotasets.VolumeQuotaUsage).limit, 2);
  assert.equal((usage.snapshots as quotasets.VolumeQuotaUsage).in_use, 0);

  await volumes.remove(cinder, made.id);
  await waitForGone(() => volumes.get(cinder, made.id), { what: `volume ${made.id}`, ...POLL });
  assert.equal((await quotasets.getUsage(cinder, t.projectId)).volumes?.in_use, 0);

  await quotasets.reset(adminCinder, t.projectId);
  assert.deepEqual(pick(await quotasets.get(adminCinder, t.projectId)), pick(defaults));
});

test('a member cannot set its own limits; a bad limit fails naming the field, before any request', {
  skip: COMPUTE_SKIP,
}, async () => {
  await assert.rejects(quotasets.update(cinder, t.projectId, { volumes: 1000 }), ForbiddenError);
  await assert.rejects(
    quotasets.update(adminCinder, t.projectId, { [`gigabytes_${T}`]: 0.5 }),
    (e: unknown) => e instanceof OsnetError && e.field === `quota_set.gigabytes_${T}`,
  );
});
