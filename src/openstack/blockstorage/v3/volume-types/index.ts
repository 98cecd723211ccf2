/**
 * Cinder volume types.
 *
 * @example
 *   import * as volumetypes from './blockstorage/v3/volume-types/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
