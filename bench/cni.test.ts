/**
 * bench/cni.ts run tiny on the lab (1 pod per path, 2 concurrent ADDs): it runs end to end, prints a row of
 * figures for every measurement, counts the Neutron calls of the concurrent ADDs from the daemon's log, and
 * the processes a traced warm ADD and DEL started.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LAB_DIR } from '../src/testing/openstack/lab.ts';

const FIG = String.raw`\d+\.\d`;
const skip = !existsSync(`${LAB_DIR}/run/ovs/db.sock`) ? 'the lab OVS is not up' : false;

test('bench/cni.ts prints every row, with figures', { skip }, () => {
  const r = spawnSync(
    process.execPath,
    [join(import.meta.dirname, 'cni.ts'), '--n', '1', '--concurrent', '2', '--start-runs', '3'],
    { encoding: 'utf8', timeout: 400_000 },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const [what, n] of [
    ['start: node -e 0', 3],
    ['start: openstack-port-cni VERSION', 3],
    ['start: osnet-ovs VERSION', 1],
    ['plumbing: osnet-ovs ADD \\(its own process\\)', 1],
    ['plumbing: osnet-ovs DEL \\(its own process\\)', 1],
    ['ADD, cold', 1],
    ['DEL, cold', 1],
    ['ADD, warm pool', 1],
    ['DEL, warm pool', 1],
    ['ADD, warm pool, Neutron idle', 1],
    ['DEL, warm pool, Neutron idle', 1],
    ['ADD, 2 concurrent \\(each\\)', 2],
  ] as const) {
    assert.match(r.stdout, new RegExp(`^\\| ${what} \\| ${n} \\| ${FIG} \\| ${FIG} \\|$`, 'm'), what);
  }
  const conc = /^\| 2 \| (\d+\.\d\d) \| (\d+) \| (\d+) \| (\d+\.\d\d) \| (\d+) \| (\d+\.\d\d) \|$/m.exec(
    r.stdout,
  );
  assert.ok(conc, r.stdout);
  assert.equal(conc[2], '0', 'no concurrent ADD failed');
  // the ports were created (one bulk create at least): the count is read from the daemon's log, not made up
  assert.ok(Number(conc[3]) >= 1, `Neutron calls ${conc[3]}`);
  assert.ok(Number(conc[5]) >= Number(conc[3]), `calls with the tags ${conc[5]}`);
  // the traced warm ADD and DEL: counted from strace, so the thin plugin itself is always among them
  for (const verb of ['ADD', 'DEL']) {
    const m = new RegExp(`^\\| traced ${verb}, warm pool \\| (\\d+) \\| (.*) \\|$`, 'm').exec(r.stdout);
    assert.ok(m, `${verb} process row: ${r.stdout}`);
    assert.match(m[2]!, /openstack-port-cni 1/);
    assert.ok(Number(m[1]) >= 2, `${verb}: ${m[1]} processes`);
  }
});
