/**
 * netplan (`/etc/netplan`): `netplan apply` on the real root. `netplan apply` has no root option and would
 * apply the host's /etc/netplan, so on another root the YAML is generated into <root>/run/systemd/network
 * and handed to networkd like its own files. Each YAML carries its networks' DNS; the global DNS is a
 * systemd-resolved drop-in (netplan has no global DNS key).
 *
 * @example
 *   netplan.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []); // [['netplan', 'apply']]
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
      // Only a global DNS change: netplan has nothing to apply, resolved reloads.
      const yaml = (n: NicSets, changes: FileChange[]) => n.up.length > 0 || changes.some((c) => !c.dns);
      if (opts.root === '/')
        return {
          before: () => [],
          after: (n, changes) => [
            ...(yaml(n, changes) ? [['netplan', 'apply']] : []),
            ...resolvedSteps('/', changes),
          ],
        };
      return {
        before: () => [],
        after: (n) => [['netplan', 'generate', '--root-dir', opts.root], ...networkdSteps(n)],
      };
    },
  },
  ownsDns: () => false,
  installed: ['usr/sbin/netplan', 'etc/netplan'],
} as const satisfies GuestFormat;
