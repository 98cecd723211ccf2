/**
 * Cinder volumes.
 *
 * @example
 *   import * as volumes from './blockstorage/v3/volumes/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
