/**
 * netplan (`/etc/netplan`): `netplan apply` on the real root. `netplan apply` has no root option and would
 * apply the host's /etc/netplan, so on another root the YAML is generated into <root>/run/systemd/network
 * and handed to networkd like its own files. DNS is in the YAML.
 *
 * @example
 *   netplan.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []); // [['netplan', 'apply']]
 */
import { networkdSteps } from '../networkd/index.ts';
import type { GuestFormat } from '../types.ts';
import { renderNetplan } from './render.ts';

export const netplan = {
  name: 'netplan',
  render: renderNetplan,
  apply: {
    kind: 'files',
    driver: (opts) => {
      if (opts.root === '/') return { before: () => [], after: () => [['netplan', 'apply']] };
      return {
        before: () => [],
        after: (n) => [['netplan', 'generate', '--root-dir', opts.root], ...networkdSteps(n)],
      };
    },
  },
  ownsDns: () => false,
  installed: ['usr/sbin/netplan', 'etc/netplan'],
} as const satisfies GuestFormat;
