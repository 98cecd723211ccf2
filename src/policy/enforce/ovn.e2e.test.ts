// End to end on the lab's OVN, as root: osnet-policy-server (process: real store, internal mTLS API,
// external API with Keystone tokens, the Neutron reconciler), openstack-port-daemon with --policy-server,
// and two "pods" of apps A and B attached through the CNI path. B cannot open TCP to A:8080 without a
// policy; after a POST of B → A tcp 8080 it can while A still cannot reach B; after its delete B is refused
// again. Everything made is removed, the Neutron groups last.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collect } from '../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import * as securityGroups from '../../openstack/networking/v2/security-groups/index.ts';
import { builtPlugins, removeBuiltPlugins } from '../../testing/cni/binaries.ts';
import { startDaemon } from '../../testing/daemon/daemon.ts';
import { runTag } from '../../testing/openstack/counting-client.ts';
import { labFixture } from '../../testing/openstack/fixture.ts';
import { LAB_DIR, testName } from '../../testing/openstack/lab.ts';
import { attachPod, canConnect, neighbourKnown, type Pod, until } from '../../testing/policy/pods.ts';
import { type PolicyServerProcess, startPolicyServerProcess } from '../../testing/policy/server-process.ts';

const OVSDB = `${LAB_DIR}/run/ovs/db.sock`;
const skip = !existsSync(OVSDB) ? 'the lab OVS is not up' : false;
const lab = labFixture(['lab-admin', 'lab-cni'], 'network');
const { cleanup } = lab;
const tag = runTag();
const A = `${tag}-a`;
const B = `${tag}-b`;
let admin: ServiceClient;
let adminToken: string;
let server: PolicyServerProcess;
let daemonLogs: () => string;
let a: Pod;
let b: Pod;

async function policies(path: '' | '/delete', body: unknown): Promise<void> {
  const res = await fetch(`${server.external}/networking/v1/external/policies${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': adminToken },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `POST policies${path}: ${res.status} ${await res.text()}`);
}

const bToA = {
  policies: [
    { source: { id: B }, destination: { id: A, protocol: 'tcp', ports: { start: 8080, end: 8080 } } },
  ],
};

before(async () => {
  if (skip) return;
  const [clouds, clients] = await lab.open();
  admin = clients[0];
  const cni = clients[1];
  adminToken = (await clouds[0].token()).value;
  const cniProject = (await clouds[1].token()).projectId!;
  // last of all: the groups the server made (ports are gone by then)
  cleanup.defer(async () => {
    for (const sg of await collect(securityGroups.list(admin, { tags: [tag], fields: ['id'] })))
      await securityGroups.removeIfExists(admin, sg.id);
  });
  const { body } = await cni.post<{ network: { id: string } }>('networks', {
    body: { network: { name: testName('pol-e2e') } },
  });
  const networkId = body.network.id;
  cleanup.defer(() => cni.delete(`networks/${networkId}`));
  const v4 = `10.${50 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}`;
  await cni.post('subnets', {
    body: { subnet: { network_id: networkId, ip_version: 4, cidr: `${v4}.0/24` } },
  });

  server = await startPolicyServerProcess({ defaultProject: cniProject, neutronTag: tag });
  cleanup.defer(() => server.stop());
  const daemon = await startDaemon({
    args: [
      '--policy-server',
      server.internal,
      '--policy-ca',
      server.certs.ca,
      '--policy-cert',
      server.certs.cert,
      '--policy-key',
      server.certs.key,
      // a pass makes a group in several seconds on this loaded 2-core machine, and the two ADDs queue
      '--policy-wait',
      '120',
    ],
  });
  daemonLogs = daemon.logs;
  cleanup.defer(async () => {
    await daemon.stop();
    await daemon.remove();
  });
  const pluginDir = await builtPlugins();
  cleanup.defer(() => removeBuiltPlugins());
  const cacheDir = await mkdtemp(join(tmpdir(), 'osnet-pe2e-cache-'));
  cleanup.defer(() => rm(cacheDir, { recursive: true, force: true }));
  const pod = async (name: string, policyGroup: string) => {
    const p = await attachPod({
      name,
      networkId,
      socket: daemon.socket,
      pluginDir,
      ovsdb: `unix:${OVSDB}`,
      cacheDir,
      policyGroup,
    });
    cleanup.defer(() => p.remove());
    return p;
  };
  const n = `${process.pid % 100000}`;
  try {
    // both at once, as a runtime starts them: two tag registrations race into the reconciler
    [a, b] = await Promise.all([pod(`osnet-pe2e-a${n}`, A), pod(`osnet-pe2e-b${n}`, B)]);
  } catch (e) {
    console.log(`the server's log:\n${server.logs()}`);
    throw e;
  }
  await Promise.all([a.listen(8080), b.listen(8080)]);
});

after(() => lab.close());

test('B reaches A:8080 only while the policy B → A tcp 8080 exists; A never reaches B', {
  skip,
}, async () => {
  // each pod's port carries its app's group, made by the server in the daemon's project
  const groups = await collect(securityGroups.list(admin, { tags: [tag], fields: ['id', 'description'] }));
  assert.deepEqual(groups.map((g) => g.description).sort(), [A, B].sort());
  assert.equal(daemonLogs().match(/app policies in Neutron/g)?.length, 2, 'each ADD waited for its app');

  assert.equal(canConnect(b, a.ip, 8080), false, 'no policy yet: B is refused');
  assert.ok(neighbourKnown(b, a.ip), "B resolved A's address: the path is up, the security group drops it");

  let t0 = performance.now();
  await policies('', bToA);
  assert.equal(
    await until(() => canConnect(b, a.ip, 8080), true),
    true,
    'after the POST, B opens TCP to A:8080',
  );
  const allowed = performance.now() - t0;
  assert.equal(canConnect(a, b.ip, 8080), false, 'A still cannot reach B');
  assert.equal(canConnect(b, a.ip, 8081), false, 'nor B another port of A');

  t0 = performance.now();
  await policies('/delete', bToA);
  assert.equal(
    await until(() => canConnect(b, a.ip, 8080), false),
    false,
    'after the delete, B is refused again',
  );
  // figures, not assertions (probes every 0.5 s, a refused probe takes its 2 s timeout)
  console.log(
    `figure: POST → B connects ${Math.round(allowed)} ms; delete → B refused ${Math.round(performance.now() - t0)} ms`,
  );
  assert.match(server.logs(), /policy reconcile corrected Neutron/);
  if (process.env.OSNET_E2E_LOGS) console.log(server.logs(), daemonLogs());
});
