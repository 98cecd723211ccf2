/**
 * Nova quota sets.
 *
 * @example
 *   import * as quotasets from './compute/v2/quotasets/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
