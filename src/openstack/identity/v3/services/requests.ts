/**
 * Keystone v3 catalog services: create, get, list, update, delete.
 *
 * @example
 *   const s = await services.create(identity, { type: 'network', name: 'neutron' });
 */
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { type ListPage, listOnce, requireObject, requireString } from '../common.ts';
import type { CatalogServiceEntry } from './results.ts';
import { servicesUrl, serviceUrl } from './urls.ts';

/** Body of POST /v3/services (JSON body under "service"). */
export interface CreateOpts {
  type: string;
  name?: string;
  description?: string;
  enabled?: boolean;
}

/** Query filters of GET /v3/services. */
export interface ListFilters {
  type?: string;
  name?: string;
}

/** Body of PATCH /v3/services/{id} (JSON body under "service"). */
export interface UpdateOpts {
  type?: string;
  name?: string;
  description?: string;
  enabled?: boolean;
}

/**
 * Creates a catalog service.
 *
 * @example
 *   const s = await create(identity, { type: 'network', name: 'neutron' });
 */
export async function create(client: ServiceClient, opts: CreateOpts): Promise<CatalogServiceEntry> {
  requireObject(opts, 'service');
  requireString(opts.type, 'service.type');
  const { body } = await client.post<{ service: CatalogServiceEntry }>(servicesUrl(), {
    body: { service: opts },
  });
  return body.service;
}

/**
 * One catalog service by id.
 *
 * @example
 *   const s = await get(identity, id);
 */
export async function get(client: ServiceClient, id: string): Promise<CatalogServiceEntry> {
  const { body } = await client.get<{ service: CatalogServiceEntry }>(serviceUrl(id));
  return body.service;
}

/**
 * Catalog services matching the filters, as an async iterator (at most Keystone's list_limit of them).
 *
 * @example
 *   for await (const s of list(identity, { type: 'network' })) console.log(s.id);
 */
export function list(client: ServiceClient, filters: ListFilters = {}): AsyncGenerator<CatalogServiceEntry> {
  return paginate<CatalogServiceEntry>(client, servicesUrl(), 'services', { ...filters });
}

/**
 * One list call that also says whether Keystone truncated the answer at its list_limit.
 *
 * @example
 *   const { items, truncated } = await listPage(identity);
 */
export function listPage(
  client: ServiceClient,
  filters: ListFilters = {},
): Promise<ListPage<CatalogServiceEntry>> {
  return listOnce<CatalogServiceEntry>(client, servicesUrl(), 'services', { ...filters });
}

/**
 * Changes a catalog service.
 *
 * @example
 *   await update(identity, id, { description: 'Neutron' });
 */
export async function update(
  client: ServiceClient,
  id: string,
  opts: UpdateOpts,
): Promise<CatalogServiceEntry> {
  requireObject(opts, 'service');
  const { body } = await client.patch<{ service: CatalogServiceEntry }>(serviceUrl(id), {
    body: { service: opts },
  });
  return body.service;
}

/**
 * Deletes a catalog service and its endpoints.
 *
 * @example
 *   await remove(identity, id);
 */
export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(serviceUrl(id));
}
