/**
 * Placement resource providers.
 *
 * @example
 *   import * as resourceProviders from './placement/v1/resource-providers/index.ts';
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
