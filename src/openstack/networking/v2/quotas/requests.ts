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
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { getAt, resource } from '../../../resource/resource.ts';
import type { ProjectQuota, QuotaDetails, QuotaSet } from './results.ts';
import { QUOTAS, quotaDefaultsURL, quotaDetailsURL, quotaURL } from './urls.ts';

/** Request body of a quota update: new limits per resource kind (-1: unlimited). */
export type UpdateQuotaOpts = QuotaSet;

const quota = resource<QuotaSet, never, UpdateQuotaOpts, undefined>({
  badInput: 'throws',
  name: 'quota',
  plural: 'quotas',
  collection: QUOTAS,
  item: quotaURL,
  checkUpdate(body, path) {
    for (const [k, v] of Object.entries(body)) {
      if (!Number.isInteger(v) || (v as number) < -1) {
        throw new OsnetError('OSNET_ERR_VALIDATION', `${path}.${k}: must be an integer >= -1`, {
          field: `${path}.${k}`,
        });
      }
    }
  },
});

/**
 * get (the project's limits), update (sets limits, admin; every value an integer >= -1), reset (drops the
 * project's own limits, back to the defaults).
 *
 * @example
 *   await update(net, projectId, { network: 10, port: 100 });
 */
export const { get, update, remove: reset } = quota;

/** Projects with non-default quotas (admin). @example for await (const q of list(net)) console.log(q.project_id) */
export function list(client: ServiceClient): AsyncGenerator<ProjectQuota, void, undefined> {
  return paginate<ProjectQuota>(client, QUOTAS, 'quotas');
}

/** The project's usage: used, limit and reserved per resource kind. @example await getDetails(net, projectId) */
export function getDetails(client: ServiceClient, projectId: string): Promise<QuotaDetails> {
  return getAt<QuotaDetails>(client, quotaDetailsURL(projectId), 'quota');
}

/** The default limits (what a project gets without its own quotas). @example await getDefaults(net, projectId) */
export function getDefaults(client: ServiceClient, projectId: string): Promise<QuotaSet> {
  return getAt<QuotaSet>(client, quotaDefaultsURL(projectId), 'quota');
}
