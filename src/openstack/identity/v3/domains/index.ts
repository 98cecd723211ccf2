/**
 * Keystone v3 domains.
 *
 * @example
 *   import * as domains from './domains/index.ts';
 *   await domains.get(identity, 'default');
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
