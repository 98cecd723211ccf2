/** `osnet-guest install` / `uninstall`: the binary, its alias, the udev rule and the systemd unit. */
import { join } from 'node:path';
import { isSea } from 'node:sea';
import { printOut } from '../../cli/print.ts';
import { install as installAll, uninstall as uninstallAll } from '../../guest/install.ts';
import { OsnetError } from '../../lib/errors.ts';

export async function install(o: { root: string; binary?: string; activate: boolean }): Promise<void> {
  const paths = await installAll({
    root: o.root,
    binary: o.binary ?? selfBinary(),
    ...(o.activate === false ? { activate: false } : {}),
  });
  for (const p of paths) printOut(`${join(o.root, p)}\n`);
}

export async function uninstall(o: { root: string; activate: boolean }): Promise<void> {
  const removed = await uninstallAll({ root: o.root, ...(o.activate === false ? { activate: false } : {}) });
  for (const p of removed) printOut(`${join(o.root, p)}\n`);
}

/**
 * The executable to copy on install: the single-executable app itself. The bundle is a launcher and its
 * chunks (scripts/build-split.ts), not one file that could be copied, so from it (or from source) install
 * asks for the single executable.
 */
function selfBinary(): string {
  if (isSea()) return process.execPath;
  throw new OsnetError(
    'OSNET_ERR_VALIDATION',
    'not running as the single executable: pass --binary dist/bin/osnet-guest-sea',
    { field: '--binary' },
  );
}
