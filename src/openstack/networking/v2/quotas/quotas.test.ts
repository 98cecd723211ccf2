// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
// Writes go to a made-up project id, so the limits of the lab's real projects never change under other tests.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { ForbiddenError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as quotas from './index.ts';

const scratch = randomBytes(16).toString('hex');
const lab = labFixture(['lab-admin', 'lab-demo'], 'network');
let demo: Cloud;
let adminNet: ServiceClient;
let net: ServiceClient;
let demoProject: string;

before(async () => {
  [[, demo], [adminNet, net]] = await lab.open();
  demoProject = (await demo.token()).projectId!;
});

after(async () => {
  await quotas.reset(adminNet, scratch).catch(() => undefined);
  await lab.close();
});

test('defaults, own limits and usage details are readable by the project member', async () => {
  const defaults = await quotas.getDefaults(net, demoProject);
  assert.ok((defaults.port ?? 0) > 0 && (defaults.network ?? 0) > 0);
  const own = await quotas.get(net, demoProject);
  assert.equal(typeof own.port, 'number');
  const details = await quotas.getDetails(net, demoProject);
  assert.equal(details.port?.limit, own.port);
  assert.ok((details.port?.used ?? -1) >= 0);
  assert.equal(typeof details.network?.reserved, 'number');
});

test('admin update, list and reset back to the defaults', async () => {
  const defaults = await quotas.getDefaults(adminNet, scratch);
  const set = await quotas.update(adminNet, scratch, { network: 7, port: 33 });
  assert.equal(set.network, 7);
  assert.equal(set.port, 33);
  assert.equal((await quotas.get(adminNet, scratch)).port, 33);
  const listed = await collect(quotas.list(adminNet));
  assert.equal(listed.find((q) => q.project_id === scratch)?.network, 7);

  await quotas.reset(adminNet, scratch);
  assert.deepEqual(await quotas.get(adminNet, scratch), defaults);
  assert.equal(
    (await collect(quotas.list(adminNet))).some((q) => q.project_id === scratch),
    false,
  );
});

test('a member cannot change quotas; bad limits fail before any request, naming the field', async () => {
  // a 403 by policy ("rule:update_quota is disallowed"): forbidden, not over quota
  await assert.rejects(
    quotas.update(net, demoProject, { port: 1000 }),
    (e: unknown) => e instanceof ForbiddenError && e.status === 403 && /policy/.test(e.message),
  );
  assert.throws(
    () => quotas.update(adminNet, scratch, { port: 1.5 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'quota.port',
  );
  assert.throws(
    () => quotas.update(adminNet, scratch, { network: -2 }),
    (e: unknown) => e instanceof OsnetError && e.field === 'quota.network',
  );
});
