/**
 * ifupdown (Debian `/etc/network/interfaces.d`): `ifdown --force` per changed NIC while its old stanza is
 * still in place, then `ifup` per NIC on the new files. Its `dns-nameservers` lines need the resolvconf
 * package, so without resolvconf apply writes /etc/resolv.conf itself.
 *
 * @example
 *   ifupdown.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [] }, []); // [['ifup', 'eth1']]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverOptions, GuestFormat } from '../types.ts';
import { renderIfupdown } from './render.ts';

/** On another root, ifupdown is pointed at that root's interfaces file and state directory. */
function rootArgs(opts: DriverOptions): string[] {
  if (opts.root === '/') return [];
  return [
    '-i',
    join(opts.root, 'etc/network/interfaces'),
    '--state-dir',
    opts.stateDir ?? join(opts.root, 'run/network'),
  ];
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
      };
    },
  },
  ownsDns: (root) => !existsSync(join(root, 'sbin/resolvconf')),
  installed: ['etc/network/interfaces'],
} as const satisfies GuestFormat;
