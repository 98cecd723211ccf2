/**
 * Neutron quotas.
 *
 * @example
 *   import * as quotas from './networking/v2/quotas/index.ts';
 *   const q = await quotas.get(net, projectId);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
