/**
 * Keystone v3 role grants and role_assignments.
 *
 * @example
 *   import * as roleassignments from './roleassignments/index.ts';
 *   await roleassignments.grant(identity, { roleId, userId, projectId });
 */
export * from './requests.ts';
export type * from './results.ts';
export * from './urls.ts';
