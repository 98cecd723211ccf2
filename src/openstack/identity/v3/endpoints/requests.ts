/**
 * Keystone v3 catalog endpoints: create, get, list, update, delete.
 *
 * @example
 *   await endpoints.create(identity, { service_id: s.id, interface: 'public', url: 'http://127.0.0.1:9696', region_id: 'RegionOne' });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { type EndpointInterface, INTERFACES } from '../../../config/types.ts';
import { type ListPage, listOnce, requireObject, requireString } from '../common.ts';
import type { Endpoint } from './results.ts';
import { endpointsUrl, endpointUrl } from './urls.ts';

/** Body of POST /v3/endpoints (JSON body under "endpoint"). */
export interface CreateOpts {
  service_id: string;
  interface: EndpointInterface;
  url: string;
  region_id?: string;
  enabled?: boolean;
}

/** Query filters of GET /v3/endpoints. */
export interface ListFilters {
  service_id?: string;
  interface?: EndpointInterface;
  region_id?: string;
}

/** Body of PATCH /v3/endpoints/{id} (JSON body under "endpoint"). */
export interface UpdateOpts {
  interface?: EndpointInterface;
  url?: string;
  region_id?: string;
  enabled?: boolean;
}

function checkInterface(v: unknown): void {
  if (v !== undefined && !(INTERFACES as readonly unknown[]).includes(v)) {
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `endpoint.interface must be one of ${INTERFACES.join(', ')}`,
      {
        field: 'endpoint.interface',
      },
    );
  }
}

function checkUrl(v: unknown): void {
  if (v === undefined) return;
  requireString(v, 'endpoint.url');
  if (!URL.canParse(v as string)) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'endpoint.url must be an absolute URL', {
      field: 'endpoint.url',
    });
  }
}

/**
 * Creates a catalog endpoint.
 *
 * @example
 *   const e = await create(identity, { service_id, interface: 'internal', url: 'http://127.0.0.1:9696' });
 */
export async function create(client: ServiceClient, opts: CreateOpts): Promise<Endpoint> {
  requireObject(opts, 'endpoint');
  requireString(opts.service_id, 'endpoint.service_id');
  requireString(opts.interface, 'endpoint.interface');
  checkInterface(opts.interface);
  requireString(opts.url, 'endpoint.url');
  checkUrl(opts.url);
  const { body } = await client.post<{ endpoint: Endpoint }>(endpointsUrl(), { body: { endpoint: opts } });
  return body.endpoint;
}

/**
 * One endpoint by id.
 *
 * @example
 *   const e = await get(identity, id);
 */
export async function get(client: ServiceClient, id: string): Promise<Endpoint> {
  const { body } = await client.get<{ endpoint: Endpoint }>(endpointUrl(id));
  return body.endpoint;
}

/**
 * Endpoints matching the filters, as an async iterator (at most Keystone's list_limit of them).
 *
 * @example
 *   for await (const e of list(identity, { service_id })) console.log(e.interface, e.url);
 */
export function list(client: ServiceClient, filters: ListFilters = {}): AsyncGenerator<Endpoint> {
  checkInterface(filters.interface);
  return paginate<Endpoint>(client, endpointsUrl(), 'endpoints', { ...filters });
}

/**
 * One list call that also says whether Keystone truncated the answer at its list_limit.
 *
 * @example
 *   const { items, truncated } = await listPage(identity, { service_id });
 */
export function listPage(client: ServiceClient, filters: ListFilters = {}): Promise<ListPage<Endpoint>> {
  checkInterface(filters.interface);
  return listOnce<Endpoint>(client, endpointsUrl(), 'endpoints', { ...filters });
}

/**
 * Changes an endpoint (URL, interface, region, enabled).
 *
 * @example
 *   await update(identity, id, { url: 'http://127.0.0.1:9697' });
 */
export async function update(client: ServiceClient, id: string, opts: UpdateOpts): Promise<Endpoint> {
  requireObject(opts, 'endpoint');
  checkInterface(opts.interface);
  checkUrl(opts.url);
  const { body } = await client.patch<{ endpoint: Endpoint }>(endpointUrl(id), { body: { endpoint: opts } });
  return body.endpoint;
}

/**
 * Deletes an endpoint.
 *
 * @example
 *   await remove(identity, id);
 */
export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(endpointUrl(id));
}
