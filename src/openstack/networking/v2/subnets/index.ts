/**
 * Neutron subnets.
 *
 * @example
 *   import * as subnets from './networking/v2/subnets/index.ts';
 *   const p = await subnets.get(net, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
