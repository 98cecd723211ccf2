/**
 * The tenant's generated Keystone user: member of the tenant's project, with a random password handed back
 * for sealing (never stored here). Ours is recognised by its default project (the tenant's) and its
 * description; a user of that name that is not ours is refused, naming the field, not taken over.
 *
 * @example
 *   const { user, password } = await ensureTenantUser(identity, domainId, 'team-a-user', projectId, marker);
 */
import { OsnetError } from '../../../lib/errors.ts';
import type { ServiceClient } from '../../../openstack/client/service-client.ts';
import { users } from '../../../openstack/identity/v3/index.ts';
import type { User } from '../../../openstack/identity/v3/users/results.ts';
import '../../error-codes.ts';
import { first, markerTag, randomPassword } from './common.ts';

function isOurs(u: User, projectId: string): boolean {
  return u.default_project_id === projectId;
}

/**
 * Finds or makes the user. A user found again (an earlier attempt that crashed before its password was
 * sealed) gets a new password, so the one returned always works.
 */
export async function ensureTenantUser(
  identity: ServiceClient,
  domain_id: string,
  username: string,
  projectId: string,
  marker: string,
): Promise<{ user: User; password: string }> {
  const password = randomPassword();
  const have = await first(users.list(identity, { name: username, domain_id }));
  if (have) {
    if (!isOurs(have, projectId))
      throw new OsnetError(
        'OSNET_ERR_PORTAL_EXISTS',
        `body.user_username: a Keystone user named "${username}" exists already`,
        { field: 'body.user_username' },
      );
    return { user: await users.update(identity, have.id, { password }), password };
  }
  const user = await users.create(identity, {
    name: username,
    domain_id,
    password,
    default_project_id: projectId,
    description: `tenant user (${markerTag(marker)})`,
  });
  return { user, password };
}

/**
 * The generated users of a tenant: users whose default project it is. Listed across the cloud (Keystone
 * filters users by neither default project nor description), so a user made by a create that crashed before
 * its role was granted is found too; teardowns are rare enough for one unpaged list.
 */
export async function tenantUsers(
  identity: ServiceClient,
  projectId: string,
  except: string,
): Promise<User[]> {
  const out: User[] = [];
  for await (const u of users.list(identity)) if (u.id !== except && isOurs(u, projectId)) out.push(u);
  return out;
}

/** A new password for the tenant user `username` (it must be the tenant's own). */
export async function changeTenantPassword(
  identity: ServiceClient,
  domain_id: string,
  username: string,
  projectId: string,
): Promise<string> {
  const u = await first(users.list(identity, { name: username, domain_id }));
  if (!u || !isOurs(u, projectId))
    throw new OsnetError('OSNET_ERR_NOT_FOUND', `no tenant user "${username}" in project ${projectId}`);
  const password = randomPassword();
  await users.update(identity, u.id, { password });
  return password;
}
