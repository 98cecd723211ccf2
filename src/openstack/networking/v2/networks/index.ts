/**
 * Neutron networks.
 *
 * @example
 *   import * as networks from './networking/v2/networks/index.ts';
 *   const p = await networks.get(net, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
