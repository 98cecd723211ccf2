/**
 * The tenant's Keystone project: found again by its marker tag, else made under a collision-safe name (a
 * project of that name that is not ours gets the name with a suffix from the marker, the same suffix on
 * every attempt), then the provider's user gets the admin role on it (the seed's order).
 *
 * @example
 *   const p = await ensureProject(identity, provider, spec, marker);
 *   await grantRole(identity, 'admin', userId, p.id);
 */
import { OsnetError } from '../../../lib/errors.ts';
import { collect } from '../../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../../openstack/client/service-client.ts';
import { domains, projects, roleassignments, roles } from '../../../openstack/identity/v3/index.ts';
import type { Project } from '../../../openstack/identity/v3/projects/results.ts';
import type { ProviderSettings, TenantSpec } from '../contract.ts';
import { first, markerTag } from './common.ts';

/** Keystone's longest project name. */
const NAME_MAX = 64;

/** The id of the provider's domain (`default` is an id; anything else a name, looked up). */
export async function domainId(identity: ServiceClient, p: ProviderSettings): Promise<string> {
  const d = p.domain || 'default';
  if (d === 'default') return d;
  const found = await first(domains.list(identity, { name: d }));
  if (!found)
    throw new OsnetError('OSNET_ERR_CONFIG', `secret_options.domain: no Keystone domain named "${d}"`, {
      field: 'secret_options.domain',
    });
  return found.id;
}

/** The project an earlier attempt made for `marker`, if any. */
export function findProject(identity: ServiceClient, marker: string): Promise<Project | undefined> {
  return first(projects.list(identity, { tags: [markerTag(marker)] }));
}

function candidates(base: string, marker: string): string[] {
  const with_ = (suffix: string) => `${base.slice(0, NAME_MAX - suffix.length - 1)}-${suffix}`;
  return [base.slice(0, NAME_MAX), with_(marker.slice(0, 8)), with_(marker)];
}

export async function ensureProject(
  identity: ServiceClient,
  provider: ProviderSettings,
  spec: TenantSpec,
  marker: string,
): Promise<Project> {
  const ours = await findProject(identity, marker);
  if (ours) return ours;
  const domain_id = await domainId(identity, provider);
  for (const name of candidates(spec.project_name || spec.name, marker)) {
    const taken = await first(projects.list(identity, { name, domain_id }));
    if (taken) continue;
    return projects.create(identity, {
      name,
      domain_id,
      description: spec.description,
      tags: [markerTag(marker)],
    });
  }
  throw new OsnetError(
    'OSNET_ERR_PORTAL_EXISTS',
    `body.name: Keystone projects named "${spec.project_name}" and its suffixed forms exist already`,
    { field: 'body.name' },
  );
}

/**
 * Renames the tenant's project (and sets its description), the name made collision-safe as at create: a
 * name another project of the domain holds gets the marker's suffix.
 */
export async function updateProject(
  identity: ServiceClient,
  provider: ProviderSettings,
  projectId: string,
  patch: { name?: string | undefined; description?: string | undefined },
  marker: string,
): Promise<Project> {
  let name: string | undefined;
  if (patch.name !== undefined) {
    const current = await projects.get(identity, projectId);
    const domain_id = await domainId(identity, provider);
    for (const n of candidates(patch.name, marker)) {
      if (n === current.name) {
        name = n;
        break;
      }
      const taken = await first(projects.list(identity, { name: n, domain_id }));
      if (!taken || taken.id === projectId) {
        name = n;
        break;
      }
    }
    if (name === undefined)
      throw new OsnetError(
        'OSNET_ERR_PORTAL_EXISTS',
        `body.name: Keystone projects named "${patch.name}" and its suffixed forms exist already`,
        { field: 'body.name' },
      );
  }
  return projects.update(identity, projectId, {
    ...(name === undefined ? {} : { name }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
  });
}

/** Grants the role named `role` (admin, member) to a user on a project; granting twice is harmless. */
export async function grantRole(
  identity: ServiceClient,
  role: string,
  userId: string,
  projectId: string,
): Promise<void> {
  const [r] = await collect(roles.list(identity, { name: role }));
  if (!r) throw new OsnetError('OSNET_ERR_CONFIG', `Keystone has no role named "${role}"`);
  await roleassignments.grant(identity, { roleId: r.id, userId, projectId });
}
