/**
 * Neutron ports.
 *
 * @example
 *   import * as ports from './networking/v2/ports/index.ts';
 *   const p = await ports.create(net, { network_id });
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
