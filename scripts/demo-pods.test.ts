/**
 * scripts/demo-pods.sh on the lab: it must say the ping between the two pods passed, and leave nothing
 * behind. Besides the script's own check, this test looks for itself: the network it made, the pods'
 * namespaces, their host veths and OVS ports, and the daemon's temp folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../src/openstack/client/errors.ts';
import type { ServiceClient } from '../src/openstack/client/service-client.ts';
import { labFixture } from '../src/testing/openstack/fixture.ts';
import { LAB_DIR, REPO_ROOT } from '../src/testing/openstack/lab.ts';

const DB = `unix:${LAB_DIR}/run/ovs/db.sock`;
const skip = !existsSync(`${LAB_DIR}/run/ovs/db.sock`) ? 'the lab OVS is not up' : false;

describe('scripts/demo-pods.sh', { skip }, () => {
  const lab = labFixture(['lab-cni'], 'network');
  let net: ServiceClient;
  before(async () => {
    [, [net]] = await lab.open();
  });
  after(() => lab.close());

  it('pings between two pods through OVN, DELs both and leaves nothing behind', async () => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'demo-pods.sh')], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out);
    assert.match(out, /^PING PASSED: pod 1 \(\S+\) reached pod 2 \(\S+\) through OVN$/m);
    assert.match(out, /, 0% packet loss/);
    assert.match(out, /^ports left: none$/m);
    assert.match(out, /^network removed$/m);
    assert.match(out, /nothing left behind/);
    assert.doesNotMatch(out, /LEFT BEHIND/);

    const networkId = /^network ([0-9a-f-]{36}), subnet/m.exec(out)?.[1];
    assert.ok(networkId, out);
    await assert.rejects(net.get(`networks/${networkId}`), NotFoundError);
    const hostIfs = [...out.matchAll(/host side (\S+)$/gm)].map((m) => m[1]!);
    assert.equal(hostIfs.length, 2, out);
    for (const h of hostIfs) {
      assert.notEqual(spawnSync('ovs-vsctl', [`--db=${DB}`, 'port-to-br', h]).status, 0, `OVS port ${h}`);
      assert.notEqual(spawnSync('ip', ['link', 'show', h]).status, 0, `veth ${h}`);
    }
    const netns = [...out.matchAll(/osnet-demo\d+-\d/g)].map((m) => m[0]);
    assert.equal(new Set(netns).size, 2, out);
    for (const n of netns) assert.equal(existsSync(`/run/netns/${n}`), false, `netns ${n}`);
    const tmp = /openstack-port-daemon on (\S+)\/cni\.sock/.exec(out)?.[1];
    assert.ok(tmp, out);
    assert.equal(existsSync(tmp), false, `${tmp} removed`);
  });
});
