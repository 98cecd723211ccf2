/**
 * Keystone v3 projects: create, get, list, update, delete.
 * Keystone has no revision numbers, so update takes no If-Match.
 *
 * @example
 *   const p = await projects.create(identity, { name: 'team-a', domain_id: 'default' });
 *   for await (const x of projects.list(identity, { name: 'team-a' })) console.log(x.id);
 */
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { type ListPage, listOnce, requireObject, requireString } from '../common.ts';
import type { Project } from './results.ts';
import { projectsUrl, projectUrl } from './urls.ts';

/** Body of POST /v3/projects (all fields go to the JSON body under "project"). */
export interface CreateOpts {
  name: string;
  /** Defaults to the domain of the caller's token. */
  domain_id?: string;
  description?: string;
  enabled?: boolean;
  /** A parent project for a hierarchy. */
  parent_id?: string;
  is_domain?: boolean;
  tags?: string[];
}

/** Query filters of GET /v3/projects (all go to the query string). */
export interface ListFilters {
  name?: string;
  domain_id?: string;
  enabled?: boolean;
  parent_id?: string;
  is_domain?: boolean;
  /** Projects having all these tags (comma-joined by the client). */
  tags?: string[];
  /** Projects having any of these tags. */
  tags_any?: string[];
}

/** Body of PATCH /v3/projects/{id} (JSON body under "project"). */
export interface UpdateOpts {
  name?: string;
  description?: string;
  enabled?: boolean;
  tags?: string[];
}

function query(f: ListFilters = {}) {
  return {
    name: f.name,
    domain_id: f.domain_id,
    enabled: f.enabled,
    parent_id: f.parent_id,
    is_domain: f.is_domain,
    tags: f.tags?.join(','),
    tags_any: f.tags_any?.join(','),
  };
}

/**
 * Creates a project.
 *
 * @example
 *   const p = await create(identity, { name: 'team-a', domain_id: 'default', description: 'A' });
 */
export async function create(client: ServiceClient, opts: CreateOpts): Promise<Project> {
  requireObject(opts, 'project');
  requireString(opts.name, 'project.name');
  const { body } = await client.post<{ project: Project }>(projectsUrl(), { body: { project: opts } });
  return body.project;
}

/**
 * One project by id (NotFoundError when it does not exist or the caller may not see it).
 *
 * @example
 *   const p = await get(identity, id);
 */
export async function get(client: ServiceClient, id: string): Promise<Project> {
  const { body } = await client.get<{ project: Project }>(projectUrl(id));
  return body.project;
}

/**
 * Projects matching the filters, as an async iterator.
 *
 * @example
 *   for await (const p of list(identity, { domain_id: 'default' })) console.log(p.name);
 */
export function list(client: ServiceClient, filters?: ListFilters): AsyncGenerator<Project> {
  return paginate<Project>(client, projectsUrl(), 'projects', query(filters));
}

/**
 * One list call that also says whether Keystone truncated the answer at its list_limit.
 *
 * @example
 *   const { items, truncated } = await listPage(identity, { name: 'demo' });
 */
export function listPage(client: ServiceClient, filters?: ListFilters): Promise<ListPage<Project>> {
  return listOnce<Project>(client, projectsUrl(), 'projects', query(filters));
}

/**
 * Changes a project's name, description, enabled flag or tags.
 *
 * @example
 *   await update(identity, id, { description: 'new text' });
 */
export async function update(client: ServiceClient, id: string, opts: UpdateOpts): Promise<Project> {
  requireObject(opts, 'project');
  const { body } = await client.patch<{ project: Project }>(projectUrl(id), { body: { project: opts } });
  return body.project;
}

/**
 * Deletes a project (Keystone refuses an enabled domain-project, not an enabled project).
 *
 * @example
 *   await remove(identity, id);
 */
export async function remove(client: ServiceClient, id: string): Promise<void> {
  await client.delete(projectUrl(id));
}
