/**
 * netplan (`/etc/netplan`): `netplan generate` writes networkd's files (/run/systemd/network), then
 * networkd is told as for its own files: `networkctl reload` (which reconfigures the NICs whose files
 * changed) and `networkctl reconfigure` of NICs to bring up whose files did not. Never `netplan apply`: it re-applies every NIC, deleting and re-adding the addresses
 * and routes of NICs that did not change (seen in the real-VM test), and took 60 s under emulation. On
 * another root `netplan generate --root-dir` writes under that root. Each YAML carries its networks' DNS;
 * the global DNS is a systemd-resolved drop-in (netplan has no global DNS key).
 *
 * @example
 *   netplan.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['netplan', 'generate'], ['networkctl', 'reload'], ['networkctl', 'reconfigure', 'eth1']] (YAML unchanged)
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
      // Only a global DNS change: netplan has nothing to generate, resolved reloads. No change at all is a
      // rollback of added files only: what the removed YAML generated must go too.
      const yaml = (n: NicSets, changes: FileChange[]) =>
        changes.length === 0 || n.up.length > 0 || changes.some((c) => !c.dns);
      const generate =
        opts.root === '/' ? ['netplan', 'generate'] : ['netplan', 'generate', '--root-dir', opts.root];
      return {
        before: () => [],
        after: (n, changes) => [
          ...(yaml(n, changes) ? [generate, ...networkdSteps(n, changes)] : []),
          ...resolvedSteps(opts.root, changes),
        ],
      };
    },
  },
  ownsDns: () => false,
  installed: ['usr/sbin/netplan', 'etc/netplan'],
} as const satisfies GuestFormat;
