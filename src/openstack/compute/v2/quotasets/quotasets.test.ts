// Integration: Nova's quota calls both ways on a scratch tenant (the portal's cores/ram/instances mapping):
// set by the admin, read back, usage from os-quota-sets/{project}/detail after a real server, reset. Lab
// compute extension (scripts/lab/compute-up); fails, never skips, when it should be up and is not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { COMPUTE_SKIP, LAB_FLAVORS, LAB_IMAGE } from '../../../../testing/openstack/compute-lab.ts';
import { type ScratchTenant, scratchTenant } from '../../../../testing/openstack/tenant.ts';
import { ForbiddenError } from '../../../client/errors.ts';
import { microversionClient } from '../../../client/microversion.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { waitForGone, waitForStatus } from '../../../client/wait-for.ts';
import * as images from '../../../image/v2/images/index.ts';
import * as flavors from '../flavors/index.ts';
import * as servers from '../servers/index.ts';
import * as quotasets from './index.ts';

const POLL = { intervalMs: 250, maxIntervalMs: 1000, timeoutMs: 120_000 };
let t: ScratchTenant;
let adminNova: ServiceClient;
let nova: ServiceClient;

before(async () => {
  if (COMPUTE_SKIP) return;
  t = await scratchTenant('novaq');
  adminNova = await microversionClient(t.admin, 'compute', { min: '2.37', max: '2.90' });
  nova = await microversionClient(t.cloud, 'compute', { min: '2.37', max: '2.90' });
  t.cleanup.defer(() => quotasets.reset(adminNova, t.projectId));
});

after(async () => {
  await t?.close();
});

test('limits set by the admin are read back by the tenant; detail counts a real server; reset restores the defaults', {
  skip: COMPUTE_SKIP,
}, async () => {
  const defaults = await quotasets.getDefaults(adminNova, t.projectId);
  const want = { cores: 3 + Math.floor(Math.random() * 5), ram: 4096, instances: 2 };
  const set = await quotasets.update(adminNova, t.projectId, want);
  assert.deepEqual({ cores: set.cores, ram: set.ram, instances: set.instances }, want);
  const read = await quotasets.get(nova, t.projectId);
  assert.deepEqual({ cores: read.cores, ram: read.ram, instances: read.instances }, want);

  const flavor = (await collect(flavors.list(nova))).find((f) => f.name === LAB_FLAVORS[0].name);
  const [image] = await collect(images.list(await t.cloud.service('image'), { name: LAB_IMAGE }));
  assert.ok(flavor && image);
  const made = await servers.create(nova, {
    name: t.name,
    flavorRef: flavor.id,
    imageRef: image.id,
    networks: 'none',
  });
  t.cleanup.defer(async () => {
    if (await servers.removeIfExists(nova, made.id)) {
      await waitForGone(() => servers.get(nova, made.id), { what: `server ${made.id}`, ...POLL });
    }
  });
  await waitForStatus(() => servers.get(nova, made.id), 'ACTIVE', { what: `server ${made.id}`, ...POLL });
  const detail = await quotasets.getDetail(nova, t.projectId);
  assert.deepEqual(detail.cores, { limit: want.cores, in_use: flavor.vcpus, reserved: 0 });
  assert.deepEqual(detail.ram, { limit: want.ram, in_use: flavor.ram, reserved: 0 });
  assert.deepEqual(detail.instances, { limit: want.instances, in_use: 1, reserved: 0 });

  await servers.remove(nova, made.id);
  await waitForGone(() => servers.get(nova, made.id), { what: `server ${made.id}`, ...POLL });
  assert.equal((await quotasets.getDetail(nova, t.projectId)).instances?.in_use, 0);

  await quotasets.reset(adminNova, t.projectId);
  const back = await quotasets.get(adminNova, t.projectId);
  assert.deepEqual(
    { cores: back.cores, ram: back.ram, instances: back.instances },
    {
      cores: defaults.cores,
      ram: defaults.ram,
      instances: defaults.instances,
    },
  );
});

test('a member cannot set its own limits; a bad limit fails naming the field, before any request', {
  skip: COMPUTE_SKIP,
}, async () => {
  await assert.rejects(quotasets.update(nova, t.projectId, { cores: 1000 }), ForbiddenError);
  await assert.rejects(
    quotasets.update(adminNova, t.projectId, { ram: 1.5 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'quota_set.ram',
  );
  await assert.rejects(
    quotasets.update(adminNova, t.projectId, { instances: -2 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'quota_set.instances',
  );
});
