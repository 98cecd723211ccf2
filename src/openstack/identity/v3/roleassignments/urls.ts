/**
 * Paths of Keystone v3 role grants and the role_assignments list, relative to the identity endpoint.
 *
 * @example
 *   identity.put(grantUrl({ roleId, userId, projectId }));
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { idSegment } from '../../../resource/ids.ts';

/** Who gets the role (a user or a group) on what (a project or a domain): exactly one of each. */
export interface GrantTarget {
  roleId: string;
  userId?: string;
  groupId?: string;
  projectId?: string;
  domainId?: string;
}

/**
 * The grant path: {projects|domains}/{id}/{users|groups}/{id}/roles/{roleId}.
 *
 * @example
 *   grantUrl({ roleId: 'r', userId: 'u', projectId: 'p' }) // 'projects/p/users/u/roles/r'
 */
export function grantUrl(t: GrantTarget): string {
  if (typeof t !== 'object' || t === null) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'grant must be an object', { field: 'grant' });
  }
  const scope = oneOf(t, 'projectId', 'domainId');
  const actor = oneOf(t, 'userId', 'groupId');
  const scopePart = scope === 'projectId' ? 'projects' : 'domains';
  const actorPart = actor === 'userId' ? 'users' : 'groups';
  return `${scopePart}/${idSegment(t[scope], `grant.${scope}`)}/${actorPart}/${idSegment(t[actor], `grant.${actor}`)}/roles/${idSegment(t.roleId, 'grant.roleId')}`;
}

function oneOf<K extends keyof GrantTarget>(t: GrantTarget, a: K, b: K): K {
  const hasA = t[a] !== undefined;
  const hasB = t[b] !== undefined;
  if (hasA === hasB) {
    throw new OsnetError('OSNET_ERR_VALIDATION', `grant needs exactly one of ${a} and ${b}`, {
      field: `grant.${a}`,
    });
  }
  return hasA ? a : b;
}

/** @example roleAssignmentsUrl() // 'role_assignments' */
export function roleAssignmentsUrl(): string {
  return 'role_assignments';
}
