/**
 * Keystone v3 catalog endpoints.
 *
 * @example
 *   import * as endpoints from './endpoints/index.ts';
 *   await endpoints.list(identity, { service_id });
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
