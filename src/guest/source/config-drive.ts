/**
 * The config drive source: the block device labelled `config-2` (ISO 9660, or `CONFIG-2` on VFAT), found
 * through /dev/disk/by-label or, without udev, `blkid`. If it is already mounted its mount point is read;
 * otherwise it is mounted read-only in a fresh temporary directory, read, and unmounted again.
 *
 * @example
 *   const raw = await readConfigDrive(); // network_data.json of the drive, JSON-decoded
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OsnetError } from '../../lib/errors.ts';
import { decodeJson } from './decode.ts';

/**
 * execFile as a promise, made on first use: `promisify(execFile)` at load would load node:child_process in
 * every process that imports the sources (render too), while the bundle defers each builtin until used.
 */
function run(file: string, args: string[], opts: { timeout: number }): Promise<{ stdout: string }> {
  return promisify(execFile)(file, args, { ...opts, encoding: 'utf8' });
}

export const CONFIG_DRIVE_LABEL = 'config-2';
export const NETWORK_DATA_PATH = 'openstack/latest/network_data.json';

export interface ConfigDriveOptions {
  /** Directory of label symlinks (udev's). */
  byLabelDir?: string;
  /** blkid binary, used when the by-label tree has no config-2 entry. */
  blkid?: string;
  /** Mount table to look the device up in. */
  mountsFile?: string;
  /** Read this directory as the drive's root instead of finding a device (tests, pre-mounted drives). */
  dir?: string;
}

/** The config drive's device path, or undefined if the system has none. */
export async function findConfigDrive(opts: ConfigDriveOptions = {}): Promise<string | undefined> {
  const byLabel = opts.byLabelDir ?? '/dev/disk/by-label';
  try {
    const entry = (await readdir(byLabel)).find((n) => n.toLowerCase() === CONFIG_DRIVE_LABEL);
    if (entry) return await realpath(join(byLabel, entry));
  } catch {
    // no udev tree (containers, early boot): fall through to blkid
  }
  for (const label of [CONFIG_DRIVE_LABEL, CONFIG_DRIVE_LABEL.toUpperCase()]) {
    try {
      const { stdout } = await run(opts.blkid ?? 'blkid', ['-t', `LABEL=${label}`, '-o', 'device'], {
        timeout: 10000,
      });
      const dev = stdout.split('\n').find((l) => l.trim() !== '');
      if (dev) return dev.trim();
    } catch {
      // blkid exits 2 when nothing matches
    }
  }
  return undefined;
}

/** Where `device` is mounted, per the mount table, or undefined. */
export async function mountPointOf(
  device: string,
  mountsFile = '/proc/self/mounts',
): Promise<string | undefined> {
  let table: string;
  try {
    table = await readFile(mountsFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of table.split('\n')) {
    const [src, target] = line.split(' ');
    // The mount table escapes spaces and the like as octal (\040).
    if (src === device && target)
      return target.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  }
  return undefined;
}

async function readNetworkData(root: string): Promise<unknown> {
  const file = join(root, NETWORK_DATA_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new OsnetError('OSNET_ERR_SOURCE', `config drive has no ${NETWORK_DATA_PATH} (${file})`, {
      field: '--source',
      cause,
    });
  }
  return decodeJson(text, file);
}

/** Reads network_data.json from the config drive, mounting it read-only if needed. */
export async function readConfigDrive(opts: ConfigDriveOptions = {}): Promise<unknown> {
  if (opts.dir) return readNetworkData(opts.dir);
  const device = await findConfigDrive(opts);
  if (!device) {
    throw new OsnetError('OSNET_ERR_SOURCE', `no block device labelled ${CONFIG_DRIVE_LABEL}`, {
      field: '--source',
    });
  }
  const mounted = await mountPointOf(device, opts.mountsFile);
  if (mounted) return readNetworkData(mounted);
  const dir = await mkdtemp(join(tmpdir(), 'osnet-guest-cd-'));
  try {
    try {
      await run('mount', ['-o', 'ro', device, dir], { timeout: 30000 });
    } catch (cause) {
      throw new OsnetError('OSNET_ERR_SOURCE', `cannot mount config drive ${device} read-only`, {
        field: '--source',
        cause,
      });
    }
    try {
      return await readNetworkData(dir);
    } finally {
      await run('umount', [dir], { timeout: 30000 }).catch(() => undefined);
    }
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}
