/**
 * What every renderer returns: files at their absolute path on the target system, with the NIC they
 * configure so apply can rewrite and reconfigure only the NICs that changed.
 *
 * @example
 *   const f: RenderedFile = { path: '/etc/netplan/50-osnet-eth0.yaml', content: '...', mode: 0o600, nic: 'eth0' };
 */
export type Format =
  | 'ifupdown'
  | 'netplan'
  | 'sysconfig'
  | 'networkd'
  | 'networkmanager'
  | 'powershell'
  | 'ip';

export const FORMATS: readonly Format[] = [
  'ifupdown',
  'netplan',
  'sysconfig',
  'networkd',
  'networkmanager',
  'powershell',
  'ip',
];

export interface RenderedFile {
  /** Absolute path as on the target, e.g. `/etc/netplan/50-osnet-eth0.yaml`. */
  path: string;
  content: string;
  /** File mode; 0o644 when absent. */
  mode?: number;
  /** The NIC this file configures; absent for files that span NICs (PowerShell, ip script). */
  nic?: string;
}

export interface RenderOptions {
  /** First comment line of every file; defaults to a "written by osnet-guest" notice. */
  header?: string;
}

export const DEFAULT_HEADER =
  'Written by osnet-guest from OpenStack network_data.json; local edits are overwritten.';
