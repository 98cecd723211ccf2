/**
 * Keystone v3 users: create, get, list, update, delete, and the projects a user has roles on.
 *
 * @example
 *   const u = await users.create(identity, { name: 'alice', domain_id: 'default', password: secret });
 */

import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import { KEYSTONE } from '../common.ts';
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
 * create (a name is required; the password is registered as a secret first), get, list, listPage (with
 * `truncated`), update (PATCH), remove.
 *
 * @example
 *   const u = await create(identity, { name: 'alice', domain_id: 'default', password: secret });
 */
export const { create, get, list, listPage, update, remove } = resource<
  User,
  CreateOpts,
  UpdateOpts,
  ListFilters
>({
  ...KEYSTONE,
  name: 'user',
  plural: 'users',
  collection: usersUrl(),
  item: userUrl,
  checkCreate: (body, path) => requireString(body, 'name', path),
  secrets: ['password'],
});

/**
 * The projects a user has a role on.
 *
 * @example
 *   for await (const p of listProjects(identity, userId)) console.log(p.name);
 */
export function listProjects(client: ServiceClient, userId: string): AsyncGenerator<Project> {
  return paginate<Project>(client, userProjectsUrl(userId), 'projects');
}
