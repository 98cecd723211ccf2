/**
 * Keystone v3 projects.
 *
 * @example
 *   import * as projects from './projects/index.ts';
 *   await projects.get(identity, id);
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
