/**
 * Cinder quota sets.
 *
 * @example
 *   import * as quotasets from './blockstorage/v3/quotasets/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
