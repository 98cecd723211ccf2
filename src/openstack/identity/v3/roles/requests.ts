/**
 * Keystone v3 roles: create, get, list, update, delete. Granting roles is in ../roleassignments.
 *
 * @example
 *   const member = (await collect(roles.list(identity, { name: 'member' })))[0];
 */
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { type ListPage, listOnce, requireObject, requireString } from '../common.ts';
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
 * Creates a role.
 *
 * @example
 *   const r = await create(identity, { name: 'service' });
 */
export async function create(client: ServiceClient, opts: CreateOpts): Promise<Role> {
  requireObject(opts, 'role');
  requireString(opts.name, 'role.name');
  const { body } = await client.post<{ role: Role }>(rolesUrl(), { body: { role: opts } });
  return body.role;
}

/**
 * One role by id.
 *
 * @example
 *   const r = await get(identity, id);
 */
export async function get(client: ServiceClient, id: string): Promise<Role> {
  const { body } = await client.get<{ role: Role }>(roleUrl(id));
  return body.role;
}

/**
 * Roles matching the filters, as an async iterator.
 *
 * @example
 *   for await (const r of list(identity, { name: 'reader' })) console.log(r.id);
 */
export function list(client: ServiceClient, filters: ListFilters = {}): AsyncGenerator<Role> {
  return paginate<Role>(client, rolesUrl(), 'roles', { ...filters });
}

/**
 * One list call that also says whether Keystone truncated the answer.
 *
 * @example
 *   const { items } = await listPage(identity);
 */
export function listPage(client: ServiceClient, filters: ListFilters = {}): Promise<ListPage<Role>> {
  return listOnce<Role>(client, rolesUrl(), 'roles', { ...filters });
}

/**
 * Renames a role or changes its description.
 *
 * @example
 *   await update(identity, id, { description: 'operators' });
 */
export async function update(client: ServiceClient, id: string, opts: UpdateOpts): Promise<Role> {
  requireObject(opts, 'role');
  const { body } = await client.patch<{ role: Role }>(roleUrl(id), { body: { role: opts } });
  return body.role;
}

/**
 * Deletes a role and every assignment of it.
 *
 * @example
 *   await remove(identity, id);
 */
export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(roleUrl(id));
}
