/**
 * What a guest format is: a folder under src/guest/formats/ whose index.ts exports one `GuestFormat`
 * (its renderer, how apply brings the system onto the rendered state, whether apply writes DNS for it,
 * and how to tell its stack is installed), listed once in formats/index.ts.
 *
 * @example
 *   const f: RenderedFile = { path: '/etc/netplan/50-osnet-eth0.yaml', content: '...', mode: 0o600, nic: 'eth0' };
 */

import type { Exec } from '../../host/exec.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';
import type { FileChange } from '../apply/files.ts';
import type { NetworkConfig } from '../model/types.ts';

export interface RenderedFile {
  /** Absolute path as on the target, e.g. `/etc/netplan/50-osnet-eth0.yaml`. */
  path: string;
  content: string;
  /** File mode; 0o644 when absent. */
  mode?: number;
  /** The NIC this file configures; absent for files that span NICs (PowerShell, ip script). */
  nic?: string;
  /** Global DNS settings (no `nic`): a change reconfigures no NIC, only the resolver. */
  dns?: boolean;
}

export interface RenderOptions {
  /** First comment line of every file; defaults to a "written by osnet-guest" notice. */
  header?: string;
}

export const DEFAULT_HEADER =
  'Written by osnet-guest from OpenStack network_data.json; local edits are overwritten.';

/**
 * Input is a NetworkConfig that went through parse (route policy applied) and resolveNames (every
 * Link.name set); output is the files at their target paths.
 */
export type Renderer = (cfg: NetworkConfig, opts?: RenderOptions) => RenderedFile[];

export interface NicSets {
  /** NICs present with new or changed config: bring up with the new config. */
  up: string[];
  /** NICs whose old config must be taken down first (changed or removed), present on the system. */
  down: string[];
  /**
   * NICs present whose files changed in DNS settings only: the stack is told without taking the link
   * down (in neither `up` nor `down`).
   */
  dns: string[];
}

/**
 * The commands that tell a network stack about changed files, limited to the NICs that changed.
 * `before` runs while the old files are still in place (ifdown needs the old stanza to take a NIC down);
 * `after` runs once the new files are written.
 */
export interface Driver {
  before(nics: NicSets, changes: FileChange[]): string[][];
  after(nics: NicSets, changes: FileChange[]): string[][];
  /**
   * Commands that make the stack forget NICs that are no longer on the system (ifupdown keeps them as
   * configured in its state, and would answer a new NIC of the same name "already configured").
   */
  forget?(present: Set<string>): string[][];
}

export interface DriverOptions {
  root: string;
  /** ifupdown state directory (default /run/network on the real root). */
  stateDir?: string;
  /** Whether NetworkManager drives sysconfig files (RHEL 8+); detected when not given. */
  sysconfigViaNm?: boolean;
}

/** A format applied through its files: apply writes what `render` returns, then runs the driver. */
export interface FilesApply {
  kind: 'files';
  driver(opts: DriverOptions): Driver;
}

export interface LiveApplyOptions {
  /** Where the format keeps what it applied (under the target root). */
  stateFile: string;
  /** Run every tool inside this network namespace (`ip -n NS`). */
  netns?: string;
  exec?: Exec;
  log?: Logger;
}

/**
 * A format applied to the running system directly (no files written but DNS): it reads the live state
 * and changes only what differs, restoring what it read when a step fails.
 */
export interface LiveApply {
  kind: 'live';
  run(cfg: NetworkConfig, opts: LiveApplyOptions): Promise<{ touched: string[]; missing: string[] }>;
}

export interface GuestFormat<N extends string = string> {
  /** The `--format` value. */
  name: N;
  render: Renderer;
  apply: FilesApply | LiveApply;
  /** True when the stack does not carry DNS, so apply writes /etc/resolv.conf (unless it is a symlink). */
  ownsDns(root: string): boolean;
  /**
   * Paths under a root that together show this stack is installed; detect-format falls back on them for
   * a distribution it does not know. Absent: never detected that way.
   */
  installed?: readonly string[];
}
