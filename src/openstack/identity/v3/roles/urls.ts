/**
 * Paths of Keystone v3 roles, relative to the identity endpoint (…/v3/).
 *
 * @example
 *   identity.get(roleUrl(id));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example rolesUrl() // 'roles' */
export function rolesUrl(): string {
  return 'roles';
}

/** @example roleUrl('abc') // 'roles/abc' */
export function roleUrl(id: string): string {
  return `roles/${idSegment(id, 'roleId')}`;
}
