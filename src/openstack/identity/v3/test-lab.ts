/**
 * What the identity integration tests share: a Cloud on the running lab (never skipped: when the lab is down
 * the test fails and says how to bring it up) and unique names for what a test creates.
 *
 * @example
 *   const admin = await labCloud('lab-admin');
 *   const id = await admin.identity();
 *   const name = uniqueName();
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type Cloud, openCloud } from '../../client/cloud.ts';

/** The lab's clouds.yaml, also put in OS_CLIENT_CONFIG_FILE when that is unset. */
export function labCloudsFile(): string {
  if (!process.env.OS_CLIENT_CONFIG_FILE) {
    process.env.OS_CLIENT_CONFIG_FILE = `${process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab'}/clouds.yaml`;
  }
  return process.env.OS_CLIENT_CONFIG_FILE;
}

/**
 * An authenticated Cloud for one of the lab's clouds (lab-admin, lab-demo, lab-demo2, lab-appcred).
 *
 * @example
 *   const demo = await labCloud('lab-demo');
 */
export async function labCloud(name: string): Promise<Cloud> {
  const file = labCloudsFile();
  if (!existsSync(file)) {
    throw new Error(`the lab is not up: ${file} does not exist. Run scripts/lab/up (as root) first.`);
  }
  const cloud = await openCloud({ cloud: name });
  try {
    await cloud.token();
  } catch (e) {
    await cloud.close();
    throw new Error(
      `the lab is not up: no token for cloud ${name} (${(e as Error).message}). Run scripts/lab/up.`,
      {
        cause: e,
      },
    );
  }
  return cloud;
}

/**
 * A name no other test run uses: t-<8 hex>.
 *
 * @example
 *   const name = uniqueName(); // 't-1f2e3d4c'
 */
export function uniqueName(): string {
  return `t-${randomBytes(4).toString('hex')}`;
}
