/**
 * The global DNS servers and search domains as a systemd-resolved drop-in, for the formats whose stack
 * hands DNS to resolved (networkd, and netplan through it). Kept out of the per-NIC files so that a change
 * of the global list (a hot-add, when the metadata lists every network's server globally) rewrites no
 * NIC's file: networkd reconfigures, i.e. takes down, every link whose .network changed.
 *
 * @example
 *   resolvedDropIn(cfg)?.path; // '/etc/systemd/resolved.conf.d/50-osnet.conf'
 */
import type { NetworkConfig } from '../model/types.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from './types.ts';

export const RESOLVED_DROP_IN = '/etc/systemd/resolved.conf.d/50-osnet.conf';

/** The drop-in, or undefined when the metadata has no global DNS servers or search domains. */
export function resolvedDropIn(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile | undefined {
  const search = cfg.search ?? [];
  if (cfg.dns.length === 0 && search.length === 0) return undefined;
  const lines = [`# ${opts.header ?? DEFAULT_HEADER}`, '[Resolve]'];
  if (cfg.dns.length > 0) lines.push(`DNS=${cfg.dns.join(' ')}`);
  if (search.length > 0) lines.push(`Domains=${search.join(' ')}`);
  return { path: RESOLVED_DROP_IN, content: `${lines.join('\n')}\n`, dns: true };
}
