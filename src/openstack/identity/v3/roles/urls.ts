/**
 * Paths of Keystone v3 roles, relative to the identity endpoint (…/v3/).
 *
 * @example
 *   identity.get(roleUrl(id));
 */
import { segment } from '../common.ts';

/** @example rolesUrl() // 'roles' */
export function rolesUrl(): string {
  return 'roles';
}

/** @example roleUrl('abc') // 'roles/abc' */
export function roleUrl(id: string): string {
  return `roles/${segment(id, 'roleId')}`;
}
