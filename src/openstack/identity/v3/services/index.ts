/**
 * Keystone v3 catalog services.
 *
 * @example
 *   import * as services from './services/index.ts';
 *   await services.get(identity, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
