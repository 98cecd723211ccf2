/**
 * The portal process killed (SIGKILL) in the middle of a tenant's create, against the lab: after a restart
 * on the same store the job's lease runs out, the job is taken again and the backend's create, idempotent
 * by marker, finishes what the dead run began: one project, one user, one network, subnet and router, one
 * of each security group; the tenant's delete then leaves nothing. The process is the real executable,
 * bundled as dist/bin is.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { entryOptions } from '../../../scripts/build-options.ts';
import { generateKey } from '../../lib/secret-box.ts';
import { collect } from '../../openstack/client/pagination.ts';
import { projects, users } from '../../openstack/identity/v3/index.ts';
import type { Cloud } from '../../openstack/index.ts';
import { networks, routers, securityGroups, subnets } from '../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../testing/openstack/cleanup.ts';
import { labCloud, REPO_ROOT, testName } from '../../testing/openstack/lab.ts';
import { setUpLabOffering, waitFor } from '../../testing/portal/lab-portal.ts';
import { labProviderSettings } from '../../testing/portal/provider.ts';
import { type ServiceProcess, spawnService } from '../../testing/service/process.ts';
import { markerTag } from '../backend/tenant/common.ts';
import { tenantBackend, tenantLeftovers } from '../backend/tenant/index.ts';
import { bootstrapStaff } from '../bootstrap.ts';
import { openPortalStore } from '../store/index.ts';

const cleanup = new Cleanup();
let dir: string;
let bin: string;
let admin: Cloud;
const env = { ...process.env, OSNET_PORTAL_SECRET_KEY: generateKey() };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-portal-kill-'));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  bin = join(dir, 'osnet-portal');
  await build(entryOptions('osnet-portal', join(REPO_ROOT, 'src/cmd/osnet-portal.ts'), bin));
  await chmod(bin, 0o755);
  admin = await labCloud('lab-admin');
  cleanup.defer(() => admin.close());
});
after(() => cleanup.run());

function serve(stateDir: string): ServiceProcess {
  return spawnService(
    [
      bin,
      'serve',
      '--state-dir',
      stateDir,
      '--listen',
      '127.0.0.1:0',
      '--health-listen',
      '127.0.0.1:0',
      '--job-lease',
      '3',
      '--job-backoff',
      '1',
      '--no-schedules',
    ],
    { env },
  );
}

it('SIGKILL mid-create: after a restart the job resumes and no OpenStack object is made twice', async () => {
  const stateDir = join(dir, 'state');
  const store = await openPortalStore({ url: `sqlite:${join(stateDir, 'portal.db')}` });
  const { password } = await bootstrapStaff(store, { username: 'admin' });
  await store.close();

  let proc = serve(stateDir);
  cleanup.defer(async () => {
    proc.child.kill('SIGKILL');
    await proc.exited;
  });
  let base = `http://${await proc.addr('portal')}`;
  const login = await fetch(`${base}/api-auth/password/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const { token } = (await login.json()) as { token: string };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Token ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const setup = await setUpLabOffering(api, testName('kill'));
  const name = testName('kill');
  const order = await api('POST', '/api/openstack-tenants/', {
    name,
    project: setup.project,
    offering: setup.offering,
  });
  assert.equal(order.status, 202, JSON.stringify(order.body));
  const uuid = order.body.uuid as string;
  cleanup.defer(async () => {
    const left = await collect(projects.list(await admin.identity(), { tags: [markerTag(uuid)] }));
    for (const p of left)
      await tenantBackend
        .delete({ cloud: admin, provider: await labProviderSettings(), projectId: p.id }, async () => {})
        .catch(() => undefined);
  });

  // kill -9 once the create is past its project and user, inside the network steps
  const end = Date.now() + 120_000;
  for (;;) {
    const jobs = await api('GET', `/api/jobs/?resource_uuid=${uuid}`);
    const create = (jobs.body as { operation: string; state: string; progress: string }[]).find(
      (j) => j.operation === 'create',
    );
    if (create?.state === 'RUNNING' && create.progress === 'network') break;
    assert.ok(create?.state !== 'DONE', 'the create finished before it could be killed');
    assert.ok(Date.now() < end, 'the create never reached its network step');
    await sleep(20);
  }
  proc.child.kill('SIGKILL');
  assert.equal(await proc.exited, null);
  const identity = await admin.identity();
  const made = await collect(projects.list(identity, { tags: [markerTag(uuid)] }));
  assert.equal(made.length, 1, 'the dead run made the project');

  proc = serve(stateDir);
  base = `http://${await proc.addr('portal')}`;
  const t = (await waitFor(
    api,
    `/api/openstack-tenants/${uuid}/`,
    (b) => b?.state === 'OK' || b?.state === 'ERRED',
  ))!;
  assert.equal(t.state, 'OK', t.error_message);
  const jobs = (await api('GET', `/api/jobs/?resource_uuid=${uuid}&operation=create`)).body as {
    attempt: number;
    state: string;
  }[];
  assert.deepEqual(
    jobs.map((j) => [j.state, j.attempt]),
    [['DONE', 2]],
  );

  const projectId = String(t.backend_id);
  assert.deepEqual(
    (await collect(projects.list(identity, { tags: [markerTag(uuid)] }))).map((p) => p.id),
    [projectId],
  );
  assert.equal((await collect(users.list(identity, { name: t.user_username }))).length, 1);
  const net = await admin.network();
  const p = { project_id: projectId };
  assert.equal((await collect(networks.list(net, p))).length, 1);
  assert.equal((await collect(subnets.list(net, p))).length, 1);
  assert.equal((await collect(routers.list(net, p))).length, 1);
  const groups = (await collect(securityGroups.list(net, p))).map((g) => g.name);
  assert.equal(new Set(groups).size, groups.length, `no group twice: ${groups.join(', ')}`);

  const del = await api('DELETE', `/api/openstack-tenants/${uuid}/`);
  assert.equal(del.status, 202, JSON.stringify(del.body));
  await waitFor(api, `/api/openstack-tenants/${uuid}/`, (b) => b === undefined);
  assert.deepEqual(await tenantLeftovers(admin, projectId), {});
  proc.child.kill('SIGTERM');
  assert.equal(await proc.exited, 0);
});
