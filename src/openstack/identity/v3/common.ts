/**
 * Pieces every Keystone v3 resource shares: updates are PATCH `{"project": {...}}` without a revision
 * check (Keystone has no revision numbers), and input checks that name the wrong field. Keystone v3 does
 * not paginate: it cuts a list at the server's `list_limit` and says so, which `listPage` keeps.
 *
 * @example
 *   const { items, truncated } = await services.listPage(identity, { type: 'network' });
 */
import { OsnetError } from '../../../lib/errors.ts';
import type { UpdateStyle } from '../../resource/resource.ts';

export type { ListPage } from '../../resource/types.ts';

/** The update style of every Keystone v3 resource. */
export const KEYSTONE: { update: UpdateStyle<unknown> } = { update: { method: 'PATCH' } };

/**
 * Checks that `value` is a non-empty string, else throws OSNET_ERR_VALIDATION naming `field`.
 *
 * @example
 *   requireString(opts.name, 'project.name');
 */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OsnetError('OSNET_ERR_VALIDATION', `${field} must be a non-empty string`, { field });
  }
  return value;
}

/**
 * Checks that an options argument is an object, else throws OSNET_ERR_VALIDATION naming `field`.
 *
 * @example
 *   requireObject(opts, 'project');
 */
export function requireObject(value: unknown, field: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OsnetError('OSNET_ERR_VALIDATION', `${field} must be an object`, { field });
  }
}

/** Keystone's self links on every entity. */
export interface Links {
  self: string;
  [rel: string]: string | null | undefined;
}
