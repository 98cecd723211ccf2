/**
 * Keystone v3 catalog endpoints: create, get, list, update, delete.
 *
 * @example
 *   await endpoints.create(identity, { service_id: s.id, interface: 'public', url: 'http://127.0.0.1:9696', region_id: 'RegionOne' });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { type EndpointInterface, INTERFACES } from '../../../config/types.ts';
import { toQuery } from '../../../resource/query.ts';
import { resource } from '../../../resource/resource.ts';
import { KEYSTONE, requireString } from '../common.ts';
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
 * create (service_id, a known interface and an absolute url are checked first), get, list, listPage (with
 * `truncated`), update (PATCH), remove.
 *
 * @example
 *   await create(identity, { service_id, interface: 'public', url: 'http://127.0.0.1:9696' });
 */
export const { create, get, list, listPage, update, remove } = resource<
  Endpoint,
  CreateOpts,
  UpdateOpts,
  ListFilters
>({
  ...KEYSTONE,
  name: 'endpoint',
  plural: 'endpoints',
  collection: endpointsUrl(),
  item: endpointUrl,
  query(filters) {
    checkInterface(filters?.interface);
    return toQuery(filters);
  },
  checkCreate(body) {
    requireString(body.service_id, 'endpoint.service_id');
    requireString(body.interface, 'endpoint.interface');
    checkInterface(body.interface);
    requireString(body.url, 'endpoint.url');
    checkUrl(body.url);
  },
  checkUpdate(body) {
    checkInterface(body.interface);
    checkUrl(body.url);
  },
});
