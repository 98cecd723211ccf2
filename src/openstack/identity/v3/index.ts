/**
 * Keystone v3 admin resources, one namespace each (gophercloud's identity/v3 layout).
 *
 * @example
 *   import { projects, users, roleassignments } from '../identity/v3/index.ts';
 *   const identity = await cloud.identity();
 *   const p = await projects.create(identity, { name: 'team-a', domain_id: 'default' });
 */
export * as applicationcredentials from './applicationcredentials/index.ts';
export type { ListPage } from './common.ts';
export * as domains from './domains/index.ts';
export * as endpoints from './endpoints/index.ts';
export * as projects from './projects/index.ts';
export * as roleassignments from './roleassignments/index.ts';
export * as roles from './roles/index.ts';
export * as services from './services/index.ts';
export * as tokens from './tokens/index.ts';
export * as users from './users/index.ts';
