// The daemon's policy step when it cannot succeed, against real parts: a real osnet-policy-server that
// enforces nothing (no --default-project), so the app's group never reaches Neutron, and the same server
// reached with a client certificate of another CA. ADD must fail by code, and make no port.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { call, startDaemon } from '../testing/daemon/daemon.ts';
import { REPO_ROOT } from '../testing/openstack/lab.ts';
import { type PolicyServerProcess, startPolicyServerProcess } from '../testing/policy/server-process.ts';

const run = promisify(execFile);
const NETWORK = '5d3c7a51-2b1e-4f0a-9c44-0e6b1a2f3d4e';
let server: PolicyServerProcess;
let other: string;

before(async () => {
  server = await startPolicyServerProcess({ neutronTag: `t-unused-${process.pid}` });
  other = await mkdtemp(join(tmpdir(), 'osnet-other-certs-'));
  await run(process.execPath, [join(REPO_ROOT, 'src/cmd/osnet.ts'), 'policy', 'certs', '--out', other]);
});

after(async () => {
  await server?.stop();
  await rm(other, { recursive: true, force: true });
});

async function addWith(tls: { ca: string; cert: string; key: string }) {
  const d = await startDaemon({
    args: [
      '--policy-server',
      server.internal,
      '--policy-ca',
      tls.ca,
      '--policy-cert',
      tls.cert,
      '--policy-key',
      tls.key,
      '--policy-wait',
      '2',
    ],
  });
  try {
    const key = { container_id: `pg-${process.pid}`, ifname: 'eth0', network_id: NETWORK };
    return await call<{ code: string; message: string; field?: string }>(d.socket, '/add', {
      ...key,
      policy_group_id: `t-pg-${process.pid}`,
    });
  } finally {
    await d.stop();
    await d.remove();
  }
}

test("no reconciler puts the app's group in Neutron: ADD fails with OSNET_ERR_POLICY_NOT_ENFORCED after the wait", async () => {
  const r = await addWith(server.certs);
  assert.equal(r.status, 504, JSON.stringify(r.body));
  assert.equal(r.body.code, 'OSNET_ERR_POLICY_NOT_ENFORCED');
  assert.equal(r.body.field, 'policy_group_id');
  assert.match(r.body.message, /security group osnet-app-[0-9a-f]{4}/);
});

test('a client certificate of another CA: ADD fails with OSNET_ERR_POLICY_SERVER', async () => {
  const r = await addWith({
    ca: server.certs.ca,
    cert: join(other, 'client.crt'),
    key: join(other, 'client.key'),
  });
  assert.equal(r.status, 502, JSON.stringify(r.body));
  assert.equal(r.body.code, 'OSNET_ERR_POLICY_SERVER');
  assert.doesNotMatch(r.body.message, /PRIVATE KEY/);
});
