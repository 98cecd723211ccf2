/**
 * Cinder volume snapshots.
 *
 * @example
 *   import * as snapshots from './blockstorage/v3/snapshots/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
