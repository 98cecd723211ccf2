/**
 * scripts/demo-portal.sh on the lab: the tenant ordered through the portal's API reaches OK, what the
 * script prints is what OpenStack has, the schema is served, and after the delete nothing is left. Besides
 * the script's own checks this test looks for itself: the project, user, network and external network are
 * gone, the temp folder is removed, and the lab's password is never printed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../src/openstack/client/errors.ts';
import { collect } from '../src/openstack/client/pagination.ts';
import type { ServiceClient } from '../src/openstack/client/service-client.ts';
import { projects, users } from '../src/openstack/identity/v3/index.ts';
import { labFixture } from '../src/testing/openstack/fixture.ts';
import { LAB_DIR, REPO_ROOT } from '../src/testing/openstack/lab.ts';
import { labProviderSettings } from '../src/testing/portal/provider.ts';

const skip = !existsSync(`${LAB_DIR}/clouds.yaml`) ? 'the lab is not up' : false;

describe('scripts/demo-portal.sh', { skip }, () => {
  const lab = labFixture(['lab-admin'], 'network');
  let net: ServiceClient;
  let identity: ServiceClient;
  before(async () => {
    const [[admin], [n]] = await lab.open();
    net = n;
    identity = await admin.identity();
  });
  after(() => lab.close());

  it('orders a tenant through the API, prints what OpenStack has, deletes it and leaves nothing', async () => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'demo-portal.sh')], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out);
    const { password } = await labProviderSettings();
    assert.ok(password && !out.includes(password), 'the lab password is not printed');
    assert.match(out, /password in the answer: no$/m);

    const m = /^tenant ([0-9a-f]{32}) project ([0-9a-f]{32}) state OK$/m.exec(out);
    assert.ok(m, out);
    const projectId = m[2]!;
    // the demo samples the job every 250 ms, so a fast step can pass unseen: what it prints must be steps of
    // the order chain, in the chain's order, ending DONE
    const chain = [
      'project',
      'admin_role',
      'user',
      'network',
      'subnet',
      'quotas',
      'security_groups',
      'router',
    ];
    const steps = [...out.matchAll(/job create RUNNING step (\w+) attempt/g)].map((x) => x[1]!);
    assert.ok(steps.length >= 2, `the job's progress printed: ${steps.join(',')}`);
    const at = steps.map((s) => chain.indexOf(s));
    assert.ok(!at.includes(-1), `only the chain's steps: ${steps.join(',')}`);
    assert.deepEqual(
      at,
      [...at].sort((a, b) => a - b),
      `in the chain's order: ${steps.join(',')}`,
    );
    assert.match(out, /job create DONE step \w+ attempt \d+$/m);

    const name = /^ {2}project [0-9a-f]{32} name (\S+) tags osnet-portal:([0-9a-f]{32})$/m.exec(out);
    assert.ok(name, out);
    assert.equal(name[2], m[1]);
    const user = /^ {2}user (\S+) role member$/m.exec(out)?.[1];
    assert.ok(user, out);
    const network = /^ {2}network \S+ ([0-9a-f-]{36}) mtu \d+$/m.exec(out)?.[1];
    assert.ok(network, out);
    assert.match(out, /^ {2}subnet \S+ 192\.168\.42\.0\/24 gateway 192\.168\.42\.1$/m);
    const ext = /^external network ([0-9a-f-]{36})$/m.exec(out)?.[1];
    assert.ok(ext, out);
    assert.match(out, new RegExp(`^ {2}router \\S+ [0-9a-f-]{36} gateway ${ext} 203\\.0\\.113\\.\\d+$`, 'm'));
    for (const g of ['default', 'ssh', 'ping', 'rdp', 'web'])
      assert.match(out, new RegExp(`^ {2}security group ${g}: \\d+ rules`, 'm'));
    assert.match(out, /^ {2}security group ssh: .*tcp:22-22 from 0\.0\.0\.0\/0/m);
    // what the order asked for, read back from Nova, Cinder (MB → GB) and Neutron
    assert.match(out, /^ {2}quotas .*cores=16 ram=32768 .*gigabytes=100 .*network=5 /m);
    assert.match(
      out,
      /^API schema \(OpenAPI 3\.\d\.\d, \d+ paths\): http:\/\/127\.0\.0\.1:\d+\/api\/schema\/ \(200\)$/m,
    );
    assert.match(out, /^left in OpenStack for project [0-9a-f]{32}: \{\}$/m);
    assert.match(out, /nothing left behind/);

    // looked up independently after the script
    await assert.rejects(projects.get(identity, projectId), NotFoundError);
    assert.deepEqual(await collect(users.list(identity, { name: user })), []);
    await assert.rejects(net.get(`networks/${network}`), NotFoundError);
    await assert.rejects(net.get(`networks/${ext}`), NotFoundError);
    const tmp = /embedded store (\S+)\/state\/portal\.db/.exec(out)?.[1];
    assert.ok(tmp, out);
    assert.equal(existsSync(tmp), false, `${tmp} removed`);
  });
});
