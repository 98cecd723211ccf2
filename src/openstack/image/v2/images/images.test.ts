// Integration: real Glance (file store) in the lab's compute extension (scripts/lab/compute-up), in a scratch
// tenant. Fails, never skips, when the extension should be up and is not (see computeLabEnabled).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { COMPUTE_SKIP, LAB_IMAGE } from '../../../../testing/openstack/compute-lab.ts';
import { type ScratchTenant, scratchTenant } from '../../../../testing/openstack/tenant.ts';
import { NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { waitForStatus } from '../../../client/wait-for.ts';
import * as images from './index.ts';

let t: ScratchTenant;
let glance: ServiceClient;

before(async () => {
  if (COMPUTE_SKIP) return;
  t = await scratchTenant('glance');
  glance = await t.cloud.service('image');
});

after(async () => {
  await t?.close();
});

test('upload makes a queued image active with the data sent; list finds it and the seeded public image', {
  skip: COMPUTE_SKIP,
}, async () => {
  const data = randomBytes(4096 + Math.floor(Math.random() * 4096));
  const img = await images.create(glance, { name: t.name, disk_format: 'raw', container_format: 'bare' });
  t.cleanup.defer(() => images.removeIfExists(glance, img.id));
  assert.equal(img.status, 'queued');
  await images.upload(glance, img.id, data);
  const up = await waitForStatus(() => images.get(glance, img.id), 'active', {
    what: `image ${img.id}`,
    intervalMs: 200,
    timeoutMs: 60_000,
  });
  assert.equal(up.size, data.length);
  assert.equal(up.checksum, createHash('md5').update(data).digest('hex'));
  assert.equal(up.owner, t.projectId);
  assert.equal(up.visibility, 'shared');

  const mine = await collect(images.list(glance, { name: t.name }));
  assert.deepEqual(
    mine.map((i) => i.id),
    [img.id],
  );
  const [seeded] = await collect(images.list(glance, { name: LAB_IMAGE }));
  assert.equal(seeded?.visibility, 'public');
  assert.equal(seeded?.status, 'active');

  await images.remove(glance, img.id);
  await assert.rejects(images.get(glance, img.id), NotFoundError);
});
