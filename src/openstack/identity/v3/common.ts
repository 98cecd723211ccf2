/**
 * Pieces every Keystone v3 resource shares: input checks that name the wrong field, path-segment encoding,
 * and a one-page list that keeps Keystone's `truncated` flag (Keystone v3 does not paginate: it cuts a list
 * at the server's `list_limit` and says so; there is no marker to fetch the rest).
 *
 * @example
 *   const { items, truncated } = await listOnce<Service>(identity, 'services', 'services', { type: 'network' });
 */
import { OsnetError } from '../../../lib/errors.ts';
import type { QueryValue, ServiceClient } from '../../client/service-client.ts';

/** A list answer of Keystone: the items and whether the server cut the list at its `list_limit`. */
export interface ListPage<T> {
  items: T[];
  /** True when Keystone truncated the list (`"truncated": true` in the answer): narrow the filters. */
  truncated: boolean;
}

/**
 * Checks that `value` is a non-empty string and returns it URL-encoded for a path segment.
 *
 * @example
 *   const p = `projects/${segment(id, 'projectId')}`;
 */
export function segment(value: unknown, field: string): string {
  return encodeURIComponent(requireString(value, field));
}

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

/**
 * One GET of a Keystone collection, keeping the `truncated` flag that an async iterator would lose.
 *
 * @example
 *   const page = await listOnce<Project>(identity, 'projects', 'projects', { name: 'demo' });
 */
export async function listOnce<T>(
  client: ServiceClient,
  path: string,
  key: string,
  query?: Record<string, QueryValue>,
): Promise<ListPage<T>> {
  const { body } = await client.get<Record<string, unknown>>(path, { query });
  const items = body?.[key];
  if (!Array.isArray(items)) {
    throw new OsnetError('OSNET_ERR_OS_UNEXPECTED', `GET ${path}: the answer has no "${key}" list`, {
      field: key,
    });
  }
  return { items: items as T[], truncated: body.truncated === true };
}

/** Keystone's self links on every entity. */
export interface Links {
  self: string;
  [rel: string]: string | null | undefined;
}
