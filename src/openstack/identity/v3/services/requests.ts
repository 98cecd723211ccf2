/**
 * Keystone v3 catalog services: create, get, list, update, delete.
 *
 * @example
 *   const s = await services.create(identity, { type: 'network', name: 'neutron' });
 */
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import { KEYSTONE } from '../common.ts';
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
 * create (a type is required), get, list, listPage (with `truncated`), update (PATCH), remove.
 *
 * @example
 *   const s = await create(identity, { type: 'network', name: 'neutron' });
 */
export const { create, get, list, listPage, update, remove } = resource<
  CatalogServiceEntry,
  CreateOpts,
  UpdateOpts,
  ListFilters
>({
  ...KEYSTONE,
  name: 'service',
  plural: 'services',
  collection: servicesUrl(),
  item: serviceUrl,
  checkCreate: (body, path) => requireString(body, 'type', path),
});
