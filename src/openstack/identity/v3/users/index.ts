/**
 * Keystone v3 users.
 *
 * @example
 *   import * as users from './users/index.ts';
 *   await users.get(identity, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
