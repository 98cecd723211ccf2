/**
 * How each format's network stack is told about changed files, limited to the NICs that changed:
 * ifupdown `ifdown`/`ifup` per NIC, netplan `netplan apply` (on another root: `netplan generate --root-dir`
 * then as networkd), NetworkManager `nmcli connection reload` then
 * `up` per connection, systemd-networkd `networkctl reload` then `reconfigure` per NIC, RHEL sysconfig via
 * NetworkManager when present (else `ifdown`/`ifup`), PowerShell by running the script (Windows only).
 *
 * `before` runs while the old files are still in place (ifdown needs the old stanza to take a NIC down);
 * `after` runs once the new files are written.
 *
 * @example
 *   const d = driverFor('networkd', { root: '/' });
 *   d.after({ up: ['eth1'], down: [] }, files); // [['networkctl','reload'], ['networkctl','reconfigure','eth1']]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OsnetError } from '../../lib/errors.ts';
import type { Format } from '../render/types.ts';
import type { FileChange } from './files.ts';

export interface NicSets {
  /** NICs present with new or changed config: bring up with the new config. */
  up: string[];
  /** NICs whose old config must be taken down first (changed or removed), present on the system. */
  down: string[];
}

export interface Driver {
  before(nics: NicSets, changes: FileChange[]): string[][];
  after(nics: NicSets, changes: FileChange[]): string[][];
}

export interface DriverOptions {
  root: string;
  /** ifupdown state directory (default /run/network on the real root). */
  stateDir?: string;
  /** Whether NetworkManager drives sysconfig files (RHEL 8+); detected when not given. */
  sysconfigViaNm?: boolean;
}

function ifupdownArgs(opts: DriverOptions): string[] {
  if (opts.root === '/') return [];
  return [
    '-i',
    join(opts.root, 'etc/network/interfaces'),
    '--state-dir',
    opts.stateDir ?? join(opts.root, 'run/network'),
  ];
}

function nmConnectionId(c: FileChange): string | undefined {
  return c.content ? /^id=(.+)$/m.exec(c.content)?.[1]?.trim() : undefined;
}

function networkdSteps(n: NicSets): string[][] {
  const nics = [...new Set([...n.up, ...n.down])];
  return [['networkctl', 'reload'], ...(nics.length ? [['networkctl', 'reconfigure', ...nics]] : [])];
}

/** The driver of a format; `ip` has none (it applies live, see ip-apply.ts). */
export function driverFor(format: Format, opts: DriverOptions): Driver {
  switch (format) {
    case 'ifupdown': {
      const extra = ifupdownArgs(opts);
      return {
        before: (n) => n.down.map((nic) => ['ifdown', ...extra, '--force', nic]),
        after: (n) => n.up.map((nic) => ['ifup', ...extra, nic]),
      };
    }
    case 'netplan':
      // `netplan apply` has no root option: on another root it would apply the host's /etc/netplan. There
      // the YAML is generated into <root>/run/systemd/network and handed to networkd like its own files.
      if (opts.root === '/') return { before: () => [], after: () => [['netplan', 'apply']] };
      return {
        before: () => [],
        after: (n) => [['netplan', 'generate', '--root-dir', opts.root], ...networkdSteps(n)],
      };
    case 'networkd':
      return { before: () => [], after: networkdSteps };
    case 'networkmanager':
      return {
        before: () => [],
        after: (n, changes) => {
          const ups = changes
            .filter((c) => c.action !== 'remove' && c.nic !== undefined && n.up.includes(c.nic))
            .map((c) => {
              const id = nmConnectionId(c);
              return id ? ['nmcli', 'connection', 'up', 'id', id] : ['nmcli', 'device', 'connect', c.nic!];
            });
          return [['nmcli', 'connection', 'reload'], ...ups];
        },
      };
    case 'sysconfig': {
      const viaNm =
        opts.sysconfigViaNm ?? (existsSync('/usr/bin/nmcli') && existsSync('/etc/NetworkManager'));
      if (viaNm) {
        return {
          before: () => [],
          after: (n) => [
            ['nmcli', 'connection', 'reload'],
            ...n.up.map((nic) => ['nmcli', 'device', 'connect', nic]),
          ],
        };
      }
      return {
        before: (n) => n.down.map((nic) => ['ifdown', nic]),
        after: (n) => n.up.map((nic) => ['ifup', nic]),
      };
    }
    case 'powershell':
      return {
        before: () => [],
        after: (_n, changes) => {
          if (process.platform !== 'win32') {
            throw new OsnetError(
              'OSNET_ERR_UNSUPPORTED',
              'the powershell format is applied on Windows only; use render',
              {
                field: '--format',
              },
            );
          }
          return changes
            .filter((c) => c.action !== 'remove')
            .map((c) => [
              'powershell.exe',
              '-NoProfile',
              '-ExecutionPolicy',
              'Bypass',
              '-File',
              join(opts.root, c.path),
            ]);
        },
      };
    case 'ip':
      return { before: () => [], after: () => [] };
  }
}
