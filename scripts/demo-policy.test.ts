/**
 * scripts/demo-policy.sh on the lab: B is refused, allowed after one POST (one direction only), refused
 * after the delete, and nothing is left behind. Besides the script's own check, this test looks for itself:
 * the network, the app security groups, the namespaces and the temp folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../src/openstack/client/errors.ts';
import { collect } from '../src/openstack/client/pagination.ts';
import type { ServiceClient } from '../src/openstack/client/service-client.ts';
import * as securityGroups from '../src/openstack/networking/v2/security-groups/index.ts';
import { labFixture } from '../src/testing/openstack/fixture.ts';
import { LAB_DIR, REPO_ROOT } from '../src/testing/openstack/lab.ts';

const skip = !existsSync(`${LAB_DIR}/run/ovs/db.sock`) ? 'the lab OVS is not up' : false;

describe('scripts/demo-policy.sh', { skip }, () => {
  const lab = labFixture(['lab-admin'], 'network');
  let net: ServiceClient;
  before(async () => {
    [, [net]] = await lab.open();
  });
  after(() => lab.close());

  it('refuses, allows after one POST, refuses after the delete, and leaves nothing behind', async () => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'demo-policy.sh')], {
      encoding: 'utf8',
      timeout: 400_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out);
    const verdicts = [...out.matchAll(/^ {2}(B → A|A → B):8080: (open|refused) \(as it should be\)$/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    assert.deepEqual(verdicts, ['B → A refused', 'B → A open', 'A → B refused', 'B → A refused'], out);
    assert.match(out, /^ {2}osnet-app-[0-9a-f]{4} \(app demo-\d+\/app-a\)$/m);
    assert.match(out, /^POLICY PASSED/m);
    assert.match(out, /^ports left: none$/m);
    assert.match(out, /^security groups removed: 2$/m);
    assert.match(out, /nothing left behind/);
    assert.doesNotMatch(out, /LEFT BEHIND/);

    const networkId = /^network ([0-9a-f-]{36}), subnet/m.exec(out)?.[1];
    assert.ok(networkId, out);
    await assert.rejects(net.get(`networks/${networkId}`), NotFoundError);
    const pid = /demo-(\d+)\/app-a/.exec(out)?.[1];
    const left = await collect(
      securityGroups.list(net, { tags: [`osnet-demo-policy-${pid}`], fields: ['id'] }),
    );
    assert.deepEqual(left, []);
    for (const n of [`osnet-dpol${pid}-a`, `osnet-dpol${pid}-b`])
      assert.equal(existsSync(`/run/netns/${n}`), false, `netns ${n}`);
    const tmp = /--out (\S+)\/certs/.exec(out)?.[1];
    assert.ok(tmp, out);
    assert.equal(existsSync(tmp), false, `${tmp} removed`);
  });
});
