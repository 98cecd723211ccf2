/**
 * The netplan driver on the real root: what it runs for a change of one NIC. The real-VM test
 * (src/testing/guest/vm) found `netplan apply` deleting and re-adding the other NICs' addresses and
 * routes, and `networkctl reconfigure` after `reload` bouncing a NIC reload had just configured (3 echoes
 * lost); generate + reload (reconfigure only for an unhealthy NIC with unchanged files) leaves them alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileChange } from '../../apply/files.ts';
import { netplan } from './index.ts';

/** netplan's C generator where the system has it (what `netplan generate` execs), else the CLI. */
const GENERATE = netplan.apply.driver({ root: '/' }).after({ up: ['x'], down: [], dns: [] }, [])[0]!;

test('the generator run is netplan generate itself or the C program it execs, on the root given', () => {
  const argv = GENERATE.slice(GENERATE.indexOf('/') + 1).join(' ');
  assert.equal(GENERATE[0], 'sh');
  assert.ok(argv === 'netplan generate' || /\/netplan\/generate$/.test(argv), argv);
});

const change = (nic: string, dns = false): FileChange =>
  ({ path: `/etc/netplan/50-osnet-${nic}.yaml`, action: 'add', nic, content: '', dns }) as FileChange;

test('on the real root a changed NIC is generated and reloaded, never `netplan apply`', () => {
  const d = netplan.apply.driver({ root: '/' });
  const steps = d.after({ up: ['ens5'], down: [], dns: [] }, [change('ens5')]);
  // reload reconfigures ens5 (its file changed); a `reconfigure` as well would bounce it a second time
  assert.deepEqual(steps, [GENERATE, ['networkctl', 'reload']]);
  assert.ok(!steps.some((s) => s[0] === 'netplan' && s[1] === 'apply'));
});

test('a NIC not configured although its YAML is unchanged is reconfigured, alone', () => {
  const d = netplan.apply.driver({ root: '/' });
  assert.deepEqual(d.after({ up: ['ens4', 'ens5'], down: ['ens4'], dns: [] }, [change('ens5')]), [
    GENERATE,
    ['networkctl', 'reload'],
    ['networkctl', 'reconfigure', 'ens4'],
  ]);
});

test('a removed NIC is generated away without reconfiguring any other', () => {
  const d = netplan.apply.driver({ root: '/' });
  assert.deepEqual(d.after({ up: [], down: [], dns: [] }, [{ ...change('ens4'), action: 'remove' }]), [
    GENERATE,
    ['networkctl', 'reload'],
  ]);
});

test('a global DNS change only reloads systemd-resolved', () => {
  const d = netplan.apply.driver({ root: '/' });
  const dns = { path: '/etc/systemd/resolved.conf.d/osnet.conf', action: 'change', dns: true } as FileChange;
  assert.deepEqual(d.after({ up: [], down: [], dns: [] }, [dns]), [
    ['systemctl', 'try-reload-or-restart', 'systemd-resolved'],
  ]);
});
