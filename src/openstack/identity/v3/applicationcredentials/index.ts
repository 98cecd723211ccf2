/**
 * Keystone v3 application credentials.
 *
 * @example
 *   import * as applicationcredentials from './applicationcredentials/index.ts';
 *   await applicationcredentials.list(identity, userId);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
