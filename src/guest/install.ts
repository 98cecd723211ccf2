/**
 * `install` / `uninstall`: puts the binary (also reachable as `openstack-networkd`, the seed's name), the
 * udev rule and the systemd unit in place under a root. The udev rule hands each NIC add/remove to
 * `systemd-run`, so the agent runs outside udev's sandbox (udevd denies IP traffic and kills long-running
 * RUN programs) and can reach the metadata service and wait for it to change.
 *
 * @example
 *   await install({ root: '/', binary: '/tmp/osnet-guest-sea' });
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeAtomic } from '../host/files.ts';
import { OsnetError } from '../lib/errors.ts';

const run = promisify(execFile);

export const BIN_PATH = '/usr/local/bin/osnet-guest';
export const ALIAS_PATH = '/usr/local/bin/openstack-networkd';
export const UDEV_RULE_PATH = '/etc/udev/rules.d/99-osnet-guest.rules';
export const UNIT_PATH = '/etc/systemd/system/osnet-guest.service';

export function udevRule(bin = BIN_PATH): string {
  return [
    '# Installed by osnet-guest: apply OpenStack network_data.json when a NIC is hot-added or hot-removed.',
    '# systemd-run takes the work out of udev (which forbids IP traffic and kills slow RUN programs).',
    '# $name, not $kernel: by the time RUN is formatted NAME= and predictable naming (eth0 -> ens7) have run.',
    'SUBSYSTEM=="net", ACTION=="add|remove", KERNEL!="lo", \\',
    `  RUN+="/usr/bin/systemd-run --no-block --collect --quiet --unit=osnet-guest-event-$env{SEQNUM} ${bin} event $env{ACTION} $name"`,
    '',
  ].join('\n');
}

export function systemdUnit(bin = BIN_PATH): string {
  return `# Installed by osnet-guest.
[Unit]
Description=osnet-guest: keep the network configuration in step with OpenStack network_data.json
After=network-pre.target systemd-udevd.service
Wants=network-pre.target

[Service]
Type=simple
ExecStart=${bin} watch
Restart=on-failure
RestartSec=5s

[Install]
WantedBy=multi-user.target
`;
}

export interface InstallOptions {
  root: string;
  /** The executable to install (the single-executable build, or the bundle on a system with Node). */
  binary: string;
  /** Enable and start the unit, reload udev (default: only when root is `/`). */
  activate?: boolean;
}

/** Installs binary, alias symlink, udev rule and unit; returns the paths written (as on the target). */
export async function install(opts: InstallOptions): Promise<string[]> {
  const { root } = opts;
  const bin = join(root, BIN_PATH);
  await mkdir(dirname(bin), { recursive: true });
  try {
    const tmp = `${bin}.osnet-tmp`;
    await copyFile(opts.binary, tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, bin);
  } catch (cause) {
    throw new OsnetError('OSNET_ERR_IO', `cannot install ${opts.binary} as ${bin}`, {
      field: '--binary',
      cause,
    });
  }
  const alias = join(root, ALIAS_PATH);
  await rm(alias, { force: true });
  await symlink('osnet-guest', alias);
  await writeAtomic(join(root, UDEV_RULE_PATH), udevRule(), 0o644);
  await writeAtomic(join(root, UNIT_PATH), systemdUnit(), 0o644);
  if (opts.activate ?? root === '/') {
    await run('systemctl', ['daemon-reload']);
    await run('systemctl', ['enable', '--now', 'osnet-guest.service']);
    await run('udevadm', ['control', '--reload']).catch(() => undefined);
  }
  return [BIN_PATH, ALIAS_PATH, UDEV_RULE_PATH, UNIT_PATH];
}

/** Removes what install put in place (the alias only if it still points at osnet-guest). */
export async function uninstall(opts: { root: string; activate?: boolean }): Promise<string[]> {
  const { root } = opts;
  if (opts.activate ?? root === '/') {
    await run('systemctl', ['disable', '--now', 'osnet-guest.service']).catch(() => undefined);
  }
  const removed: string[] = [];
  const alias = join(root, ALIAS_PATH);
  try {
    if ((await lstat(alias)).isSymbolicLink() && (await readlink(alias)) === 'osnet-guest') {
      await rm(alias);
      removed.push(ALIAS_PATH);
    }
  } catch {
    // not installed
  }
  for (const p of [UDEV_RULE_PATH, UNIT_PATH, BIN_PATH]) {
    try {
      await lstat(join(root, p));
      await rm(join(root, p));
      removed.push(p);
    } catch {
      // not installed
    }
  }
  if (opts.activate ?? root === '/') {
    await run('systemctl', ['daemon-reload']).catch(() => undefined);
    await run('udevadm', ['control', '--reload']).catch(() => undefined);
  }
  return removed;
}
