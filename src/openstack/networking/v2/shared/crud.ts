/**
 * The five calls every Neutron resource makes (create, get, list, update, delete) written once, with
 * Neutron's envelope (`{"port": {...}}`, `{"ports": [...]}`) put on and taken off here.
 *
 * @example
 *   const port = await getOne<Port>(net, `ports/${id}`, 'port');
 */

import { OsnetError } from '../../../../lib/errors.ts';
import { NotFoundError, UnexpectedResponseError } from '../../../client/errors.ts';
import { paginate } from '../../../client/pagination.ts';
import type { ApiResponse, ServiceClient } from '../../../client/service-client.ts';
import { toQuery } from './query.ts';
import type { Listed, UpdateOptions } from './types.ts';
import { ifMatchHeaders, requireObject } from './validate.ts';

function unwrap<T>(
  res: ApiResponse<unknown>,
  key: string,
  method: string,
  client: ServiceClient,
  path: string,
): T {
  const body = res.body as Record<string, unknown> | undefined;
  const inner = body?.[key];
  if (inner === undefined || inner === null || typeof inner !== 'object') {
    throw new UnexpectedResponseError({
      status: res.status,
      method,
      url: client.url(path),
      requestId: res.requestId,
      serviceMessage: `the answer has no "${key}" object`,
    });
  }
  return inner as T;
}

/** POST `{key: body}` to `path`, returning the created resource. */
export async function createOne<T>(
  client: ServiceClient,
  path: string,
  key: string,
  body: unknown,
): Promise<T> {
  const res = await client.post(path, { body: { [key]: requireObject(body, key) } });
  return unwrap<T>(res, key, 'POST', client, path);
}

/** Bulk create: one POST of `{plural: [...]}`; Neutron creates all or none. */
export async function createMany<T>(
  client: ServiceClient,
  path: string,
  plural: string,
  items: readonly unknown[],
): Promise<T[]> {
  if (!Array.isArray(items) || items.length === 0) {
    throw new OsnetError('OSNET_ERR_VALIDATION', `${plural}: must be a non-empty list`, { field: plural });
  }
  for (const [i, item] of items.entries()) requireObject(item, `${plural}[${i}]`);
  const res = await client.post(path, { body: { [plural]: items } });
  const out = unwrap<T[]>(res, plural, 'POST', client, path);
  if (!Array.isArray(out) || out.length !== items.length) {
    throw new UnexpectedResponseError({
      status: res.status,
      method: 'POST',
      url: client.url(path),
      requestId: res.requestId,
      serviceMessage: `asked for ${items.length} ${plural}, the answer lists ${Array.isArray(out) ? out.length : 'none'}`,
    });
  }
  return out;
}

/** GET one resource. */
export async function getOne<T>(client: ServiceClient, path: string, key: string): Promise<T> {
  return unwrap<T>(await client.get(path), key, 'GET', client, path);
}

/** PUT `{key: body}`, with `If-Match: revision_number=N` when `opts.ifMatch` is set. */
export async function updateOne<T>(
  client: ServiceClient,
  path: string,
  key: string,
  body: unknown,
  opts: UpdateOptions = {},
): Promise<T> {
  const headers = ifMatchHeaders(opts.ifMatch);
  const res = await client.put(path, { body: { [key]: requireObject(body, key) }, headers });
  return unwrap<T>(res, key, 'PUT', client, path);
}

/** DELETE; an already-deleted resource throws NotFoundError. */
export async function removeOne(client: ServiceClient, path: string): Promise<void> {
  await client.delete(path);
}

/**
 * Runs a delete and reports whether something was deleted: false when it was already gone (404).
 *
 * @example
 *   const deleted = await removeIfGone(() => ports.remove(net, id));
 */
export async function removeIfGone(remove: () => Promise<void>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

/** DELETE; false when it was already gone (404) instead of NotFoundError. @example await removeOneIfExists(net, `ports/${id}`) */
export function removeOneIfExists(client: ServiceClient, path: string): Promise<boolean> {
  return removeIfGone(() => removeOne(client, path));
}

/** A lazily paged list: filters go to the query (validated first), items come as `T` or `Pick<T, fields>`. */
export function listAll<T, F extends object | undefined>(
  client: ServiceClient,
  path: string,
  plural: string,
  filters: F,
): AsyncGenerator<Listed<T, F>, void, undefined> {
  const query = toQuery(filters);
  return paginate<Listed<T, F>>(client, path, plural, query);
}
