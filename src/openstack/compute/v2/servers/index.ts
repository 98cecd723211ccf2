/**
 * Nova servers.
 *
 * @example
 *   import * as servers from './compute/v2/servers/index.ts';
 *   const s = await servers.get(nova, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
