/**
 * The guest images and config drives of the real-VM tests: `images()` runs scripts/vm/build-images (cached
 * under /var/cache/osnet-vm; it rebuilds the single executable and only redoes the layers whose inputs
 * changed) and returns each stack's image directory; `configDrive()` writes a config-2 iso9660 disk as Nova
 * does. Test tooling for the real-VM tests.
 *
 * @example
 *   const { ifupdown } = await images(['ifupdown']);
 *   const iso = await configDrive(work, networkData(nics));
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export const STACKS = ['ifupdown', 'netplan', 'networkmanager'] as const;
export type Stack = (typeof STACKS)[number];

export interface Image {
  dir: string;
  key: string;
}

export async function images(stacks: readonly Stack[]): Promise<Record<Stack, Image>> {
  const { stdout } = await run(join(repo, 'scripts', 'vm', 'build-images'), ['--stacks', stacks.join(',')], {
    maxBuffer: 1 << 24,
    timeout: 20 * 60_000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Record<Stack, Image>;
}

export const META_DATA = {
  uuid: '5e000000-0000-4000-8000-00000000cafe',
  name: 'osnet-vm',
  hostname: 'osnet-vm',
};

/** A config drive (label config-2, openstack/latest/...) in dir; returns the iso's path. */
export async function configDrive(dir: string, networkData: unknown): Promise<string> {
  const tree = join(dir, 'config-2');
  const latest = join(tree, 'openstack', 'latest');
  await mkdir(latest, { recursive: true });
  await writeFile(join(latest, 'network_data.json'), JSON.stringify(networkData));
  await writeFile(join(latest, 'meta_data.json'), JSON.stringify(META_DATA));
  const iso = join(dir, 'config-2.iso');
  await run('genisoimage', ['-quiet', '-o', iso, '-V', 'config-2', '-r', '-J', tree]);
  return iso;
}
