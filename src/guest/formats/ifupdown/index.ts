/**
 * ifupdown (Debian `/etc/network/interfaces.d`): `ifdown --force` per changed NIC while its old stanza is
 * still in place, then `ifup` per NIC on the new files; a change of DNS lines only runs neither (apply
 * rewrites resolv.conf). NICs gone from the system are dropped from ifupdown's state. Its `dns-nameservers` lines need the resolvconf
 * package, so without resolvconf apply writes /etc/resolv.conf itself.
 *
 * @example
 *   ifupdown.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []); // [['ifup', 'eth1']]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverOptions, GuestFormat } from '../types.ts';
import { renderIfupdown } from './render.ts';

function stateDir(opts: DriverOptions): string {
  return opts.stateDir ?? join(opts.root, 'run/network');
}

/**
 * On another root, ifupdown is pointed at that root's interfaces file and state directory, and runs no
 * `/etc/network/if-*.d` hooks: those are the host's, not the root's.
 */
function rootArgs(opts: DriverOptions): string[] {
  if (opts.root === '/') return [];
  return ['-i', join(opts.root, 'etc/network/interfaces'), '--state-dir', stateDir(opts), '--no-scripts'];
}

/** The interfaces ifupdown's state file says are configured (`ifstate`: one `name=name` line each). */
function configuredInState(opts: DriverOptions): string[] {
  try {
    const text = readFileSync(join(stateDir(opts), 'ifstate'), 'utf8');
    return text
      .split('\n')
      .map((l) => l.split('=')[0]?.trim() ?? '')
      .filter((n) => n !== '');
  } catch {
    return [];
  }
}

export const ifupdown = {
  name: 'ifupdown',
  render: renderIfupdown,
  apply: {
    kind: 'files',
    driver: (opts) => {
      const extra = rootArgs(opts);
      return {
        before: (n) => n.down.map((nic) => ['ifdown', ...extra, '--force', nic]),
        after: (n) => n.up.map((nic) => ['ifup', ...extra, nic]),
        // `ifdown --force` of a NIC that is gone only clears its state (its commands fail, it exits 0).
        forget: (present) =>
          configuredInState(opts)
            .filter((nic) => nic !== 'lo' && !present.has(nic))
            .map((nic) => ['ifdown', ...extra, '--force', nic]),
      };
    },
  },
  ownsDns: (root) => !existsSync(join(root, 'sbin/resolvconf')),
  // The binary, not /etc/network/interfaces: that file stays behind (or is made by other packages) on
  // systems without ifupdown, where detection picking it fails every apply with "ifup not found".
  installed: ['sbin/ifup'],
} as const satisfies GuestFormat;
