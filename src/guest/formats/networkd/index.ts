/**
 * systemd-networkd (`/etc/systemd/network`): `networkctl reload`, then `networkctl reconfigure` on the
 * NICs whose files changed. DNS is in the `.network` files.
 *
 * @example
 *   networkd.apply.driver({ root: '/' }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['networkctl', 'reload'], ['networkctl', 'reconfigure', 'eth1']]
 */
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

export const networkd = {
  name: 'networkd',
  render: renderNetworkd,
  apply: { kind: 'files', driver: () => ({ before: () => [], after: networkdSteps }) },
  ownsDns: () => false,
  installed: ['etc/systemd/network', 'lib/systemd/systemd-networkd'],
} as const satisfies GuestFormat;
