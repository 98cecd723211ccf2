/**
 * Paths of Keystone v3 users, relative to the identity endpoint (…/v3/).
 *
 * @example
 *   identity.get(userUrl(id));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example usersUrl() // 'users' */
export function usersUrl(): string {
  return 'users';
}

/** @example userUrl('abc') // 'users/abc' */
export function userUrl(id: string): string {
  return `users/${idSegment(id, 'userId')}`;
}

/** @example userProjectsUrl('abc') // 'users/abc/projects' */
export function userProjectsUrl(id: string): string {
  return `${userUrl(id)}/projects`;
}
