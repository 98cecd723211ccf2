/**
 * neutron-server stopped during a tenant order: the create's Neutron steps fail as retriable faults, are
 * retried with backoff, and once the attempts are used up the tenant is ERRED with the client's message;
 * with Neutron back, `retry` finishes the order without making anything twice, and the delete leaves
 * nothing. Modelled on src/daemon/neutron-down.test.ts: it stops the shared lab's neutron-server for a
 * while and always brings the lab back (so it is not run alongside other lab work).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { collect } from '../../openstack/client/pagination.ts';
import { projects } from '../../openstack/identity/v3/index.ts';
import type { Cloud } from '../../openstack/index.ts';
import { networks, routers, subnets } from '../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../testing/openstack/cleanup.ts';
import { labCloud, startLab, stopLabService, testName } from '../../testing/openstack/lab.ts';
import { type Json, type LabPortal, labPortal, waitFor } from '../../testing/portal/lab-portal.ts';
import { labProviderSettings } from '../../testing/portal/provider.ts';
import { freshStore } from '../../testing/store/stores.ts';
import { markerTag } from '../backend/tenant/common.ts';
import { tenantBackend, tenantLeftovers } from '../backend/tenant/index.ts';

const cleanup = new Cleanup();
let lp: LabPortal;
let admin: Cloud;

before(async () => {
  const s = await freshStore('sqlite');
  cleanup.defer(() => s.remove());
  lp = await labPortal(s.url, {
    options: {
      schedules: false,
      runner: { pollMs: 100, maxAttempts: 3, backoff: { baseMs: 1000, maxMs: 2000 } },
    },
  });
  cleanup.defer(() => lp.close());
  admin = await labCloud('lab-admin');
  cleanup.defer(() => admin.close());
});
after(() => cleanup.run());

it('an order while Neutron is down is ERRED with the message, and recovered by retry once it is back', async () => {
  const name = testName('neutron-down');
  let uuid = '';
  cleanup.defer(async () => {
    if (!uuid) return;
    const left = await collect(projects.list(await admin.identity(), { tags: [markerTag(uuid)] }));
    for (const p of left)
      await tenantBackend
        .delete({ cloud: admin, provider: await labProviderSettings(), projectId: p.id }, async () => {})
        .catch(() => undefined);
  });
  let erred: Json;
  try {
    await stopLabService('neutron-server', 9696);
    erred = await lp.orderTenant(name);
    uuid = String(erred.uuid);
  } finally {
    await startLab();
  }
  assert.equal(erred.state, 'ERRED');
  // the client core's message: the Neutron endpoint and why (refused, unavailable), never a password
  assert.match(String(erred.error_message), /9696|network/i);
  assert.match(String(erred.error_message), /refused|unavailable|ECONNREFUSED|not sent|503/i);
  const jobs = (await lp.api('GET', `/api/jobs/?resource_uuid=${uuid}&operation=create`)).body as {
    state: string;
    attempt: number;
    error: string;
  }[];
  assert.deepEqual(
    jobs.map((j) => [j.state, j.attempt]),
    [['ERRED', 3]],
  );
  assert.equal(jobs[0]!.error, erred.error_message);
  const events = (await lp.api('GET', `/api/events/?resource_uuid=${uuid}`)).body as { event_type: string }[];
  assert.ok(events.some((e) => e.event_type === 'resource_creation_failed'));

  const retry = await lp.api('POST', `/api/openstack-tenants/${uuid}/retry/`);
  assert.equal(retry.status, 202, JSON.stringify(retry.body));
  const t = (await waitFor(
    lp.api,
    `/api/openstack-tenants/${uuid}/`,
    (b) => b?.state === 'OK' || b?.state === 'ERRED',
  ))!;
  assert.equal(t.state, 'OK', t.error_message);
  assert.equal(t.error_message, '');
  const projectId = String(t.backend_id);
  const identity = await admin.identity();
  assert.deepEqual(
    (await collect(projects.list(identity, { tags: [markerTag(uuid)] }))).map((p) => p.id),
    [projectId],
    'the retry found the project the failed run made',
  );
  const net = await admin.network();
  const p = { project_id: projectId };
  assert.equal((await collect(networks.list(net, p))).length, 1);
  assert.equal((await collect(subnets.list(net, p))).length, 1);
  assert.equal((await collect(routers.list(net, p))).length, 1);

  const del = await lp.api('DELETE', `/api/openstack-tenants/${uuid}/`);
  assert.equal(del.status, 202, JSON.stringify(del.body));
  await waitFor(lp.api, `/api/openstack-tenants/${uuid}/`, (b) => b === undefined);
  assert.deepEqual(await tenantLeftovers(admin, projectId), {});
});
