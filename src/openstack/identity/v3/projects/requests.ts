/**
 * Keystone v3 projects: create, get, list, update, delete.
 * Keystone has no revision numbers, so update takes no If-Match.
 *
 * @example
 *   const p = await projects.create(identity, { name: 'team-a', domain_id: 'default' });
 *   for await (const x of projects.list(identity, { name: 'team-a' })) console.log(x.id);
 */
import { resource } from '../../../resource/resource.ts';
import type { TagFilters } from '../../../resource/types.ts';
import { requireString } from '../../../resource/validate.ts';
import { KEYSTONE } from '../common.ts';
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

/** Query filters of GET /v3/projects; the tag filters are sent comma-joined, as Keystone splits them. */
export interface ListFilters extends TagFilters {
  name?: string;
  domain_id?: string;
  enabled?: boolean;
  parent_id?: string;
  is_domain?: boolean;
}

/** Body of PATCH /v3/projects/{id} (JSON body under "project"). */
export interface UpdateOpts {
  name?: string;
  description?: string;
  enabled?: boolean;
  tags?: string[];
}

/**
 * create (a name is required), get, list, listPage (one GET, with Keystone's `truncated`), update (PATCH),
 * remove. Tag filters are sent comma-joined under Keystone's keys (`tags`, `tags-any`, `not-tags`,
 * `not-tags-any`).
 *
 * @example
 *   const { items, truncated } = await listPage(identity, { name: 'demo' });
 */
export const { create, get, list, listPage, update, remove } = resource<
  Project,
  CreateOpts,
  UpdateOpts,
  ListFilters
>({
  ...KEYSTONE,
  name: 'project',
  plural: 'projects',
  collection: projectsUrl(),
  item: projectUrl,
  checkCreate: (body, path) => requireString(body, 'name', path),
});
