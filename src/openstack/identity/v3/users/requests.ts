/**
 * Keystone v3 users: create, get, list, update, delete, and the projects a user has roles on.
 *
 * @example
 *   const u = await users.create(identity, { name: 'alice', domain_id: 'default', password: secret });
 */
import { registerSecret } from '../../../../lib/redact.ts';
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { type ListPage, listOnce, requireObject, requireString } from '../common.ts';
import type { Project } from '../projects/results.ts';
import type { User } from './results.ts';
import { userProjectsUrl, usersUrl, userUrl } from './urls.ts';

/** Body of POST /v3/users (JSON body under "user"). */
export interface CreateOpts {
  name: string;
  domain_id?: string;
  /** Kept out of logs and errors (registered as a secret). */
  password?: string;
  default_project_id?: string;
  enabled?: boolean;
  description?: string;
  email?: string;
}

/** Query filters of GET /v3/users. */
export interface ListFilters {
  name?: string;
  domain_id?: string;
  enabled?: boolean;
  idp_id?: string;
  protocol_id?: string;
  unique_id?: string;
}

/** Body of PATCH /v3/users/{id} (JSON body under "user"). */
export interface UpdateOpts {
  name?: string;
  password?: string;
  default_project_id?: string;
  enabled?: boolean;
  description?: string;
  email?: string;
}

/**
 * Creates a user.
 *
 * @example
 *   const u = await create(identity, { name: 'alice', domain_id: 'default', password: 'pw' });
 */
export async function create(client: ServiceClient, opts: CreateOpts): Promise<User> {
  requireObject(opts, 'user');
  requireString(opts.name, 'user.name');
  registerSecret(opts.password);
  const { body } = await client.post<{ user: User }>(usersUrl(), { body: { user: opts } });
  return body.user;
}

/**
 * One user by id.
 *
 * @example
 *   const u = await get(identity, id);
 */
export async function get(client: ServiceClient, id: string): Promise<User> {
  const { body } = await client.get<{ user: User }>(userUrl(id));
  return body.user;
}

/**
 * Users matching the filters, as an async iterator.
 *
 * @example
 *   for await (const u of list(identity, { name: 'alice', domain_id: 'default' })) console.log(u.id);
 */
export function list(client: ServiceClient, filters: ListFilters = {}): AsyncGenerator<User> {
  return paginate<User>(client, usersUrl(), 'users', { ...filters });
}

/**
 * One list call that also says whether Keystone truncated the answer.
 *
 * @example
 *   const { items, truncated } = await listPage(identity, { domain_id: 'default' });
 */
export function listPage(client: ServiceClient, filters: ListFilters = {}): Promise<ListPage<User>> {
  return listOnce<User>(client, usersUrl(), 'users', { ...filters });
}

/**
 * Changes a user (an admin can set a new password here without the old one).
 *
 * @example
 *   await update(identity, id, { enabled: false });
 */
export async function update(client: ServiceClient, id: string, opts: UpdateOpts): Promise<User> {
  requireObject(opts, 'user');
  registerSecret(opts.password);
  const { body } = await client.patch<{ user: User }>(userUrl(id), { body: { user: opts } });
  return body.user;
}

/**
 * Deletes a user (its role assignments and application credentials go with it).
 *
 * @example
 *   await remove(identity, id);
 */
export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(userUrl(id));
}

/**
 * The projects a user has a role on.
 *
 * @example
 *   for await (const p of listProjects(identity, userId)) console.log(p.name);
 */
export function listProjects(client: ServiceClient, userId: string): AsyncGenerator<Project> {
  return paginate<Project>(client, userProjectsUrl(userId), 'projects');
}
