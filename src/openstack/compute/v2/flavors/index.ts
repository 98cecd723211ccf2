/**
 * Nova flavors.
 *
 * @example
 *   import * as flavors from './compute/v2/flavors/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
