/**
 * systemd-networkd (`/etc/systemd/network`): `networkctl reload`, then `networkctl reconfigure` on the
 * NICs whose files changed. Each `.network` carries its networks' DNS, the global DNS is a resolved drop-in.
 *
 * @example
 *   networkd.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['networkctl', 'reload'], ['networkctl', 'reconfigure', 'eth1']]
 */
import type { FileChange } from '../../apply/files.ts';
import type { GuestFormat, NicSets } from '../types.ts';
import { renderNetworkd } from './render.ts';

/**
 * The networkd steps; netplan on another root hands its generated files to networkd the same way.
 * `networkctl reload` itself reconfigures (drops and re-adds the addresses of) every link whose .network
 * changed, so a DNS-only change of a .network file cannot spare the link: it is reconfigured like the rest.
 */
export function networkdSteps(n: NicSets): string[][] {
  const nics = [...new Set([...n.up, ...n.down, ...n.dns])];
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
      after: (n, changes) => [...networkdSteps(n), ...resolvedSteps(opts.root, changes)],
    }),
  },
  ownsDns: () => false,
  installed: ['etc/systemd/network', 'lib/systemd/systemd-networkd'],
} as const satisfies GuestFormat;
