/**
 * Nova quota calls (admin sets them; a member may read its own project's). Nova's DB quota driver
 * counts usage itself, so `getDetail` is the usage call, not a list of servers.
 *
 * @example
 *   await update(nova, projectId, { cores: 8, ram: 8192, instances: 4 });
 *   const d = await getDetail(nova, projectId); // d.cores.in_use
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { checkLimits } from '../../../resource/limits.ts';
import { getAt, resource } from '../../../resource/resource.ts';
import type { ComputeQuotaDetail, ComputeQuotaSet, ComputeQuotaSetResult } from './results.ts';
import { QUOTA_SETS, quotaSetDefaultsURL, quotaSetDetailURL, quotaSetURL } from './urls.ts';

/** Request body of a quota update (`{"quota_set": {...}}`): new limits; `force` skips Nova's usage check. */
export type UpdateComputeQuotaOpts = ComputeQuotaSet;

const quotaSet = resource<ComputeQuotaSetResult, never, UpdateComputeQuotaOpts, undefined>({
  name: 'quota_set',
  plural: 'quota_sets',
  collection: QUOTA_SETS,
  item: quotaSetURL,
  checkUpdate: checkLimits,
});

/**
 * get (the project's limits), update (admin; each value an integer >= -1, checked before any request),
 * reset (DELETE: back to the defaults).
 *
 * @example
 *   await update(nova, projectId, { instances: 10 });
 */
export const { get, update, remove: reset } = quotaSet;

/** Limits, in_use and reserved per resource. @example (await getDetail(nova, p)).ram?.in_use */
export async function getDetail(client: ServiceClient, projectId: string): Promise<ComputeQuotaDetail> {
  return getAt<ComputeQuotaDetail>(client, quotaSetDetailURL(projectId), 'quota_set');
}

/** The default limits. @example (await getDefaults(nova, p)).cores */
export async function getDefaults(client: ServiceClient, projectId: string): Promise<ComputeQuotaSetResult> {
  return getAt<ComputeQuotaSetResult>(client, quotaSetDefaultsURL(projectId), 'quota_set');
}
