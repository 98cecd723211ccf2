/**
 * End to end against the lab as provider (one store: the embedded one; the engine's store behaviour is
 * tested on both in src/portal/jobs/): a tenant ordered through the API runs as a job and makes the real
 * Keystone project and user, network, subnet, router and security groups; the initial pull shows them in
 * the portal; a network made directly in OpenStack appears after a pull and, once deleted there, goes
 * only after the grace period; a PATCH renames the Keystone project (collision-safe); set_quotas is read
 * back from Nova, Cinder and Neutron; deleting the tenant leaves nothing in OpenStack.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as cinderQuotas from '../../openstack/blockstorage/v3/quotasets/index.ts';
import { collect } from '../../openstack/client/pagination.ts';
import * as novaQuotas from '../../openstack/compute/v2/quotasets/index.ts';
import { projects, users } from '../../openstack/identity/v3/index.ts';
import type { Cloud } from '../../openstack/index.ts';
import {
  networks,
  quotas as neutronQuotas,
  routers,
  securityGroups,
  subnets,
} from '../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../testing/openstack/cleanup.ts';
import { COMPUTE_SKIP } from '../../testing/openstack/compute-lab.ts';
import { labCloud, testName } from '../../testing/openstack/lab.ts';
import { type Json, type LabPortal, labPortal, waitFor } from '../../testing/portal/lab-portal.ts';
import { labProviderSettings } from '../../testing/portal/provider.ts';
import { freshStore } from '../../testing/store/stores.ts';
import { DEFAULT_SECURITY_GROUPS, tenantBackend, tenantLeftovers } from '../backend/tenant/index.ts';

const cleanup = new Cleanup();
let lp: LabPortal;
let admin: Cloud;

before(async () => {
  const s = await freshStore('sqlite');
  cleanup.defer(() => s.remove());
  lp = await labPortal(s.url, {
    options: {
      schedules: false,
      missingGraceMs: 3000,
      runner: { pollMs: 100, backoff: { baseMs: 500, maxMs: 2000 } },
    },
  });
  cleanup.defer(() => lp.close());
  admin = await labCloud('lab-admin');
  cleanup.defer(() => admin.close());
});
after(() => cleanup.run());

it('a tenant ordered through the API exists in OpenStack, its contents are pulled, and its delete leaves nothing', async () => {
  const name = testName('e2e');
  const t = await lp.orderTenant(name);
  const projectId = String(t.backend_id);
  // should the test fail half-way, the tenant still goes
  cleanup.defer(async () => {
    if (projectId)
      await tenantBackend
        .delete({ cloud: admin, provider: await labProviderSettings(), projectId }, async () => {})
        .catch(() => undefined);
  });
  assert.equal(t.state, 'OK', t.error_message);
  const identity = await admin.identity();
  const net = await admin.network();
  const project = await projects.get(identity, projectId);
  assert.equal(
    project.name.startsWith(name.slice(0, 20)) || project.name.includes(name.slice(0, 10)),
    true,
    project.name,
  );
  const u = await collect(users.list(identity, { name: t.user_username }));
  assert.equal(u.length, 1);
  const nets = await collect(networks.list(net, { project_id: projectId }));
  const subs = await collect(subnets.list(net, { project_id: projectId }));
  const rts = await collect(routers.list(net, { project_id: projectId }));
  const sgs = await collect(securityGroups.list(net, { project_id: projectId }));
  assert.equal(nets.length, 1);
  assert.equal(subs.length, 1);
  assert.equal(subs[0]!.cidr, '192.168.42.0/24');
  assert.equal(rts.length, 1);
  for (const g of DEFAULT_SECURITY_GROUPS)
    assert.ok(
      sgs.some((s) => s.name === g.name),
      `security group ${g.name}`,
    );

  // the initial pull (queued by the create) shows them in the portal
  const list = async (kind: string) =>
    (await lp.api('GET', `/api/openstack-${kind}/?tenant_uuid=${t.uuid}&page_size=100`)).body as Json[];
  await waitFor(lp.api, `/api/openstack-networks/?tenant_uuid=${t.uuid}`, () => true);
  const until = async (what: string, pred: () => Promise<boolean>) => {
    const end = Date.now() + 60_000;
    while (!(await pred())) {
      assert.ok(Date.now() < end, what);
      await sleep(250);
    }
  };
  await until('networks pulled', async () => (await list('networks')).length === 1);
  const internal = (await list('networks'))[0]!;
  assert.equal((await list('networks'))[0]!.backend_id, nets[0]!.id);
  assert.equal((await list('subnets'))[0]?.backend_id, subs[0]!.id);
  assert.equal((await list('routers'))[0]?.backend_id, rts[0]!.id);
  assert.ok((await list('sgp')).length >= DEFAULT_SECURITY_GROUPS.length);

  // kinds ordered through the API run the real networking backends
  const ordered = await lp.api('POST', `/api/openstack-tenants/${t.uuid}/create_network/`, {
    name: `${name}-api`,
    mtu: 1400,
  });
  assert.equal(ordered.status, 202, JSON.stringify(ordered.body));
  assert.equal(ordered.body.state, 'CREATION_SCHEDULED');
  const apiNet = (await waitFor(
    lp.api,
    `/api/openstack-networks/${ordered.body.uuid}/`,
    (b) => b?.state === 'OK' || b?.state === 'ERRED',
  ))!;
  assert.equal(apiNet.state, 'OK', apiNet.error_message);
  assert.equal((await networks.get(net, apiNet.backend_id)).mtu, 1400);
  const sub = await lp.api('POST', `/api/openstack-networks/${apiNet.uuid}/create_subnet/`, {
    name: `${name}-s`,
    cidr: '10.20.0.0/24',
  });
  assert.equal(sub.status, 202, JSON.stringify(sub.body));
  const apiSub = (await waitFor(
    lp.api,
    `/api/openstack-subnets/${sub.body.uuid}/`,
    (b) => b?.state === 'OK' || b?.state === 'ERRED',
  ))!;
  assert.equal(apiSub.state, 'OK', apiSub.error_message);
  assert.equal((await subnets.get(net, apiSub.backend_id)).network_id, apiNet.backend_id);

  // made directly in OpenStack: imported by a pull; deleted there: marked, then removed after the grace period
  const outside = await networks.create(net, { name: `${name}-outside`, project_id: projectId });
  cleanup.defer(() => networks.removeIfExists(net, outside.id));
  const pull = async () => {
    const r = await lp.api('POST', `/api/openstack-networks/${internal.uuid}/pull/`);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitFor(lp.api, `/api/jobs/${r.body.job}/`, (j) => j?.state === 'DONE' || j?.state === 'ERRED');
  };
  await pull();
  const imported = (await list('networks')).find((n) => n.backend_id === outside.id);
  assert.equal(imported?.state, 'OK');
  // a network shows its subnets as Waldur nests them, from the portal's subnet resources
  const withSubnet = (await lp.api('GET', `/api/openstack-networks/${apiNet.uuid}/`)).body as Json;
  assert.deepEqual(
    (withSubnet.subnets as Json[]).map((x) => [x.backend_id, x.uuid, x.name, x.cidr, x.ip_version]),
    [[apiSub.backend_id, apiSub.uuid, `${name}-s`, '10.20.0.0/24', 4]],
  );
  await networks.remove(net, outside.id);
  await pull();
  const marked = (await list('networks')).find((n) => n.backend_id === outside.id);
  assert.ok(marked?.backend_missing_since, 'marked, not removed');
  await sleep(3100);
  await pull();
  assert.equal(
    (await list('networks')).find((n) => n.backend_id === outside.id),
    undefined,
  );

  // PATCH: the name and description go to the Keystone project through a job; a name another project
  // holds gets the marker's suffix, as at create
  const patched = async (body: Record<string, unknown>) => {
    const r = await lp.api('PATCH', `/api/openstack-tenants/${t.uuid}/`, body);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.state, 'UPDATE_SCHEDULED');
    const done = (await waitFor(
      lp.api,
      `/api/openstack-tenants/${t.uuid}/`,
      (b) => b?.state === 'OK' || b?.state === 'ERRED',
    ))!;
    assert.equal(done.state, 'OK', done.error_message);
    return done;
  };
  const renamed = await patched({ name: `${name}-renamed`, description: 'changed through the portal' });
  const p2 = await projects.get(identity, projectId);
  assert.deepEqual([p2.name, p2.description], [`${name}-renamed`, 'changed through the portal']);
  assert.equal(renamed.name, p2.name);
  const squatter = await projects.create(identity, { name: `${name}-taken`, domain_id: 'default' });
  cleanup.defer(() => projects.remove(identity, squatter.id).catch(() => undefined));
  const clash = await patched({ name: `${name}-taken` });
  assert.equal((await projects.get(identity, projectId)).name, `${name}-taken-${t.uuid.slice(0, 8)}`);
  assert.equal(clash.name, `${name}-taken-${t.uuid.slice(0, 8)}`);
  await projects.remove(identity, squatter.id);

  // set_quotas through the API: each service holds the limit in its own key and unit, and the tenant
  // shows what was read back
  const sq = await lp.api('POST', `/api/openstack-tenants/${t.uuid}/set_quotas/`, {
    vcpu: 7,
    storage: 5 * 1024,
    network_count: 9,
  });
  assert.equal(sq.status, 202, JSON.stringify(sq.body));
  const quoted = (await waitFor(
    lp.api,
    `/api/openstack-tenants/${t.uuid}/`,
    (b) => b?.state === 'OK' || b?.state === 'ERRED',
  ))!;
  assert.equal(quoted.state, 'OK', quoted.error_message);
  const shownLimits = Object.fromEntries(
    (quoted.quotas as { name: string; limit: number }[]).map((q) => [q.name, q.limit]),
  );
  assert.equal((await neutronQuotas.get(net, projectId)).network, 9);
  assert.equal(shownLimits.network_count, 9);
  if (!COMPUTE_SKIP) {
    assert.equal((await novaQuotas.get(await admin.service('compute'), projectId)).cores, 7);
    assert.equal((await cinderQuotas.get(await admin.service('block-storage'), projectId)).gigabytes, 5);
    assert.deepEqual([shownLimits.vcpu, shownLimits.storage], [7, 5 * 1024]);
  }

  const del = await lp.api('DELETE', `/api/openstack-tenants/${t.uuid}/`);
  assert.equal(del.status, 202, JSON.stringify(del.body));
  await waitFor(lp.api, `/api/openstack-tenants/${t.uuid}/`, (b) => b === undefined);
  assert.deepEqual(await tenantLeftovers(admin, projectId), {});
  await assert.rejects(projects.get(identity, projectId));
  assert.equal((await collect(users.list(identity, { name: t.user_username }))).length, 0);
  for (const a of lp.answers) await lp.p.conform(a);
});
