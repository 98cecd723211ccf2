/**
 * Glance images.
 *
 * @example
 *   import * as images from './image/v2/images/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
