/**
 * DNS for the formats whose stack does not set it: the `ip` format, and ifupdown without resolvconf
 * (its `dns-nameservers` lines need the resolvconf package). netplan, networkd, NetworkManager and
 * sysconfig carry DNS in their own files. resolv.conf is left alone when it is a symlink (systemd-resolved
 * or resolvconf own it) or when the metadata has no DNS servers.
 *
 * @example
 *   resolvConf(cfg); // { path: '/etc/resolv.conf', content: 'nameserver 8.8.8.8\n' }
 */

import type { RenderedFile } from '../formats/types.ts';
import type { NetworkConfig } from '../model/types.ts';
import { RESOLV_CONF } from './files.ts';

/** glibc reads at most three nameserver lines. */
const MAX_NAMESERVERS = 3;

/** resolv.conf content for `cfg`: per-network servers in network order, then the global ones. */
export function resolvConf(cfg: NetworkConfig): RenderedFile | undefined {
  const servers = [...new Set([...cfg.networks.flatMap((n) => n.dns), ...cfg.dns])];
  const search = [...new Set([...cfg.networks.flatMap((n) => n.search), ...(cfg.search ?? [])])];
  if (servers.length === 0) return undefined;
  const lines = ['# Written by osnet-guest from OpenStack network_data.json; local edits are overwritten.'];
  if (search.length > 0) lines.push(`search ${search.join(' ')}`);
  for (const s of servers.slice(0, MAX_NAMESERVERS)) lines.push(`nameserver ${s}`);
  return { path: RESOLV_CONF, content: `${lines.join('\n')}\n`, mode: 0o644 };
}
