/**
 * Keystone v3 role assignments: grant, revoke and check a role of a user or group on a project or domain,
 * and list assignments with filters (GET /v3/role_assignments).
 *
 * @example
 *   await roleassignments.grant(identity, { roleId: member.id, userId: u.id, projectId: p.id });
 *   const has = await roleassignments.check(identity, { roleId: member.id, userId: u.id, projectId: p.id });
 */
import { NotFoundError } from '../../../client/errors.ts';
import { paginate } from '../../../client/pagination.ts';
import type { QueryValue, ServiceClient } from '../../../client/service-client.ts';
import type { RoleAssignment } from './results.ts';
import { type GrantTarget, grantUrl, roleAssignmentsUrl } from './urls.ts';

/** Query filters of GET /v3/role_assignments (each maps to Keystone's dotted query key). */
export interface ListFilters {
  /** user.id */
  userId?: string;
  /** group.id */
  groupId?: string;
  /** role.id */
  roleId?: string;
  /** scope.project.id */
  projectId?: string;
  /** scope.domain.id */
  domainId?: string;
  /** scope.system=all */
  system?: boolean;
  /** Expand group memberships and inherited roles into effective user assignments. */
  effective?: boolean;
  /** Add names next to ids. */
  includeNames?: boolean;
  /** Also list assignments on the projects below projectId (needs projectId). */
  includeSubtree?: boolean;
}

function query(f: ListFilters): Record<string, QueryValue> {
  // Keystone treats a flag as set when the key is present with any value but 0: send only the true ones
  return {
    'user.id': f.userId,
    'group.id': f.groupId,
    'role.id': f.roleId,
    'scope.project.id': f.projectId,
    'scope.domain.id': f.domainId,
    'scope.system': f.system ? 'all' : undefined,
    effective: f.effective ? 'true' : undefined,
    include_names: f.includeNames ? 'true' : undefined,
    include_subtree: f.includeSubtree ? 'true' : undefined,
  };
}

/**
 * Grants a role (PUT; granting twice is harmless).
 *
 * @example
 *   await grant(identity, { roleId, userId, projectId });
 */
export async function grant(client: ServiceClient, target: GrantTarget): Promise<void> {
  await client.put(grantUrl(target));
}

/**
 * Revokes a role (NotFoundError when it was not granted).
 *
 * @example
 *   await revoke(identity, { roleId, userId, projectId });
 */
export async function revoke(client: ServiceClient, target: GrantTarget): Promise<void> {
  await client.delete(grantUrl(target));
}

/**
 * Whether the role is granted directly (HEAD: 204 yes, 404 no).
 *
 * @example
 *   if (!(await check(identity, { roleId, userId, projectId }))) await grant(identity, ...);
 */
export async function check(client: ServiceClient, target: GrantTarget): Promise<boolean> {
  try {
    await client.request('HEAD', grantUrl(target));
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

/**
 * Role assignments matching the filters, as an async iterator.
 *
 * @example
 *   for await (const a of list(identity, { projectId, includeNames: true })) console.log(a.user?.name, a.role.name);
 */
export function list(client: ServiceClient, filters: ListFilters = {}): AsyncGenerator<RoleAssignment> {
  return paginate<RoleAssignment>(client, roleAssignmentsUrl(), 'role_assignments', query(filters));
}
