/**
 * Keystone v3 roles.
 *
 * @example
 *   import * as roles from './roles/index.ts';
 *   await roles.get(identity, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
