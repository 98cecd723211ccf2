/**
 * Cinder quota calls (admin sets them; a member may read its own project's). `getUsage` is Cinder's own
 * usage count (`?usage=true`), not a list of volumes.
 *
 * @example
 *   await update(cinder, projectId, { gigabytes: 100, 'gigabytes_lab-nfs': 50 });
 *   const u = await getUsage(cinder, projectId); // u.gigabytes.in_use
 */

import { UnexpectedResponseError } from '../../../client/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { checkLimits } from '../../../resource/limits.ts';
import { getAt, resource } from '../../../resource/resource.ts';
import type { VolumeQuotaSet, VolumeQuotaSetResult, VolumeQuotaUsageSet } from './results.ts';
import { QUOTA_SETS, quotaSetDefaultsURL, quotaSetURL } from './urls.ts';

/** Request body of a quota update (`{"quota_set": {...}}`). */
export type UpdateVolumeQuotaOpts = VolumeQuotaSet;

const quotaSet = resource<VolumeQuotaSetResult, never, UpdateVolumeQuotaOpts, undefined>({
  name: 'quota_set',
  plural: 'quota_sets',
  collection: QUOTA_SETS,
  item: quotaSetURL,
  checkUpdate: checkLimits,
});

/**
 * get (limits), update (admin; each value an integer >= -1, per-type keys included, checked before any
 * request), reset (DELETE: back to the defaults).
 *
 * @example
 *   await update(cinder, projectId, { volumes: 10, snapshots: 10 });
 */
export const { get, update, remove: reset } = quotaSet;

/** Limit, in_use and reserved per resource. @example (await getUsage(cinder, p)).volumes?.in_use */
export async function getUsage(client: ServiceClient, projectId: string): Promise<VolumeQuotaUsageSet> {
  const path = quotaSetURL(projectId);
  const res = await client.get<{ quota_set?: VolumeQuotaUsageSet }>(path, { query: { usage: true } });
  const set = res.body?.quota_set;
  if (!set || typeof set !== 'object') {
    throw new UnexpectedResponseError({
      status: res.status,
      method: 'GET',
      url: client.url(path),
      requestId: res.requestId,
      serviceMessage: 'the answer has no "quota_set" object',
    });
  }
  return set;
}

/** The default limits. @example (await getDefaults(cinder, p)).gigabytes */
export async function getDefaults(client: ServiceClient, projectId: string): Promise<VolumeQuotaSetResult> {
  return getAt<VolumeQuotaSetResult>(client, quotaSetDefaultsURL(projectId), 'quota_set');
}
