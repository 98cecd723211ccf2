/**
 * Quota calls (admin for other projects; a member may read its own). The update options are the request
 * body (`{"quota": {...}}`).
 *
 * @example
 *   await update(net, projectId, { port: 50 });
 *   const used = (await getDetails(net, projectId)).port?.used;
 *   await reset(net, projectId); // back to the defaults
 */
import { OsnetError } from '../../../../lib/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { getOne, listAll, updateOne } from '../shared/crud.ts';
import type { ProjectQuota, QuotaDetails, QuotaSet } from './results.ts';
import { QUOTAS, quotaDefaultsURL, quotaDetailsURL, quotaURL } from './urls.ts';

/** Request body of a quota update: new limits per resource kind (-1: unlimited). */
export type UpdateQuotaOpts = QuotaSet;

/** The project's limits. @example await get(net, projectId) */
export function get(client: ServiceClient, projectId: string): Promise<QuotaSet> {
  return getOne<QuotaSet>(client, quotaURL(projectId), 'quota');
}

/** The project's usage: used, limit and reserved per resource kind. @example await getDetails(net, projectId) */
export function getDetails(client: ServiceClient, projectId: string): Promise<QuotaDetails> {
  return getOne<QuotaDetails>(client, quotaDetailsURL(projectId), 'quota');
}

/** The default limits (what a project gets without its own quotas). @example await getDefaults(net, projectId) */
export function getDefaults(client: ServiceClient, projectId: string): Promise<QuotaSet> {
  return getOne<QuotaSet>(client, quotaDefaultsURL(projectId), 'quota');
}

/** Projects with non-default quotas (admin). @example for await (const q of list(net)) console.log(q.project_id) */
export function list(client: ServiceClient): AsyncGenerator<ProjectQuota, void, undefined> {
  return listAll<ProjectQuota, undefined>(client, QUOTAS, 'quotas', undefined);
}

/** Sets limits (admin). @example await update(net, projectId, { network: 10, port: 100 }) */
export function update(client: ServiceClient, projectId: string, opts: UpdateQuotaOpts): Promise<QuotaSet> {
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (!Number.isInteger(v) || v < -1) {
      throw new OsnetError('OSNET_ERR_VALIDATION', `quota.${k}: must be an integer >= -1`, {
        field: `quota.${k}`,
      });
    }
  }
  return updateOne<QuotaSet>(client, quotaURL(projectId), 'quota', opts);
}

/** Drops the project's own limits, back to the defaults (admin). @example await reset(net, projectId) */
export async function reset(client: ServiceClient, projectId: string): Promise<void> {
  await client.delete(quotaURL(projectId));
}
