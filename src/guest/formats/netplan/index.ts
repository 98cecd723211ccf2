/**
 * netplan (`/etc/netplan`): `netplan generate` writes networkd's files (/run/systemd/network), then
 * networkd is told as for its own files: `networkctl reload` and `networkctl reconfigure` of the NICs
 * whose YAML changed. Never `netplan apply`: it re-applies every NIC, deleting and re-adding the addresses
 * and routes of NICs that did not change (seen in the real-VM test), and took 60 s under emulation. On
 * another root `netplan generate --root-dir` writes under that root. Each YAML carries its networks' DNS;
 * the global DNS is a systemd-resolved drop-in (netplan has no global DNS key).
 *
 * @example
 *   netplan.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['netplan', 'generate'], ['networkctl', 'reload'], ['networkctl', 'reconfigure', 'eth1']]
 */

import type { FileChange } from '../../apply/files.ts';
import { networkdSteps, resolvedSteps } from '../networkd/index.ts';
import type { GuestFormat, NicSets } from '../types.ts';
import { renderNetplan } from './render.ts';

export const netplan = {
  name: 'netplan',
  render: renderNetplan,
  apply: {
    kind: 'files',
    driver: (opts) => {
      // Only a global DNS change: netplan has nothing to generate, resolved reloads.
      const yaml = (n: NicSets, changes: FileChange[]) => n.up.length > 0 || changes.some((c) => !c.dns);
      const generate =
        opts.root === '/' ? ['netplan', 'generate'] : ['netplan', 'generate', '--root-dir', opts.root];
      return {
        before: () => [],
        after: (n, changes) => [
          ...(yaml(n, changes) ? [generate, ...networkdSteps(n)] : []),
          ...resolvedSteps(opts.root, changes),
        ],
      };
    },
  },
  ownsDns: () => false,
  installed: ['usr/sbin/netplan', 'etc/netplan'],
} as const satisfies GuestFormat;
