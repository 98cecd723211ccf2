/**
 * Neutron API extensions.
 *
 * @example
 *   import * as extensions from './networking/v2/extensions/index.ts';
 *   const ext = await extensions.get(net, 'binding');
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
