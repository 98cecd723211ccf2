/**
 * systemd-networkd (`/etc/systemd/network`): `networkctl reload`, which reconfigures the NICs whose files
 * changed, then `networkctl reconfigure` of the NICs to bring up whose files did not change. Each
 * `.network` carries its networks' DNS, the global DNS is a resolved drop-in.
 *
 * @example
 *   networkd.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['networkctl', 'reload'], ['networkctl', 'reconfigure', 'eth1']] (eth1's files unchanged)
 */
import type { FileChange } from '../../apply/files.ts';
import type { GuestFormat, NicSets } from '../types.ts';
import { renderNetworkd } from './render.ts';

/**
 * The networkd steps; netplan hands its generated files to networkd the same way. `networkctl reload`
 * itself reconfigures every link whose .network changed (so a DNS-only change of a .network file cannot
 * spare the link), and only those: an explicit `reconfigure` of such a link configures it a second time,
 * dropping and re-adding its addresses (3 echoes lost on a NIC just brought up, in the real-VM test).
 * `reconfigure` is for the NICs whose files did not change but that are not configured (read back).
 */
export function networkdSteps(n: NicSets, changes: FileChange[]): string[][] {
  const reloaded = new Set(changes.flatMap((c) => (c.nic !== undefined ? [c.nic] : [])));
  const nics = [...new Set([...n.up, ...n.down, ...n.dns])].filter((nic) => !reloaded.has(nic));
  return [['networkctl', 'reload'], ...(nics.length ? [['networkctl', 'reconfigure', ...nics]] : [])];
}

/**
 * A changed global DNS drop-in (resolved.ts) is systemd-resolved's, and reloading it takes no link down.
 * On another root the host's resolved is not the root's, so nothing runs there.
 */
export function resolvedSteps(root: string, changes: FileChange[]): string[][] {
  if (root !== '/' || !changes.some((c) => c.dns)) return [];
  return [['systemctl', 'try-reload-or-restart', 'systemd-resolved']];
}

export const networkd = {
  name: 'networkd',
  render: renderNetworkd,
  apply: {
    kind: 'files',
    driver: (opts) => ({
      before: () => [],
      after: (n, changes) => [...networkdSteps(n, changes), ...resolvedSteps(opts.root, changes)],
    }),
  },
  ownsDns: () => false,
  installed: ['etc/systemd/network', 'lib/systemd/systemd-networkd'],
} as const satisfies GuestFormat;
