/**
 * Keystone v3 roles: create, get, list, update, delete. Granting roles is in ../roleassignments.
 *
 * @example
 *   const member = (await collect(roles.list(identity, { name: 'member' })))[0];
 */
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import { KEYSTONE } from '../common.ts';
import type { Role } from './results.ts';
import { rolesUrl, roleUrl } from './urls.ts';

/** Body of POST /v3/roles (JSON body under "role"). */
export interface CreateOpts {
  name: string;
  /** Makes a domain-specific role; omit for a global one. */
  domain_id?: string;
  description?: string;
}

/** Query filters of GET /v3/roles. */
export interface ListFilters {
  name?: string;
  domain_id?: string;
}

/** Body of PATCH /v3/roles/{id} (JSON body under "role"). */
export interface UpdateOpts {
  name?: string;
  description?: string;
}

/**
 * create (a name is required), get, list, listPage (with `truncated`), update (PATCH), remove.
 *
 * @example
 *   const { items } = await listPage(identity, { name: 'member' });
 */
export const { create, get, list, listPage, update, remove } = resource<
  Role,
  CreateOpts,
  UpdateOpts,
  ListFilters
>({
  ...KEYSTONE,
  name: 'role',
  plural: 'roles',
  collection: rolesUrl(),
  item: roleUrl,
  checkCreate: (body, path) => requireString(body, 'name', path),
});
