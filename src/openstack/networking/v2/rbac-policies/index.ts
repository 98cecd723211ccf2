/**
 * Neutron rbac-policies.
 *
 * @example
 *   import * as x from './networking/v2/rbac-policies/index.ts';
 *   const p = await x.get(net, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
