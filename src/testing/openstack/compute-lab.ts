/**
 * What the lab's compute extension (scripts/lab/compute-up) seeds, in one place for the seed and the tests
 * (tests only): the catalog entries, the flavors, the image and the volume type.
 *
 * @example
 *   const tiny = LAB_FLAVORS[0].name; // 'm1.tiny'
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_DIR } from './lab.ts';

/** The services compute-up adds to the Keystone catalog (public, internal and admin endpoints alike). */
export const COMPUTE_CATALOG = [
  { type: 'compute', name: 'nova', url: 'http://127.0.0.1:8774/v2.1' },
  { type: 'placement', name: 'placement', url: 'http://127.0.0.1:8778' },
  { type: 'image', name: 'glance', url: 'http://127.0.0.1:9292' },
  // Keystone puts the token's project into $(project_id)s; Nova looks Cinder up as volumev3
  { type: 'volumev3', name: 'cinderv3', url: 'http://127.0.0.1:8776/v3/$(project_id)s' },
  { type: 'block-storage', name: 'cinder', url: 'http://127.0.0.1:8776/v3/$(project_id)s' },
] as const;

/** The public flavors (the fake driver reports 1000 vCPU and 800 GB RAM: sizes are free). */
export const LAB_FLAVORS = [
  { name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 },
  { name: 'm1.small', ram: 2048, vcpus: 1, disk: 20 },
  { name: 'm1.medium', ram: 4096, vcpus: 2, disk: 40 },
] as const;

/** A public 64 KiB raw image; the fake driver boots anything. */
export const LAB_IMAGE = 'lab-fake';

/** The volume type of the NFS backend, Cinder's default type in the lab. */
export const LAB_VOLUME_TYPE = 'lab-nfs';

/**
 * Whether the compute tests run: OSNET_LAB_COMPUTE=1 (scripts/test's default), or unset and the extension
 * was brought up here once; OSNET_LAB_COMPUTE=0 leaves them out. When they run and the extension is down
 * they fail, never skip.
 */
export function computeLabEnabled(): boolean {
  const v = process.env.OSNET_LAB_COMPUTE;
  if (v === '1') return true;
  if (v === '0') return false;
  return existsSync(join(LAB_DIR, 'compute'));
}

/** The skip reason for node:test when the compute tests are left out. */
export const COMPUTE_SKIP = computeLabEnabled()
  ? false
  : 'the lab compute extension is off (OSNET_LAB_COMPUTE=0, or never brought up: scripts/lab/up --compute)';
