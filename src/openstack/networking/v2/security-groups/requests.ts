/**
 * Security group calls. Create/update options are the request body (`{"security_group": {...}}`); list
 * filters the query. A new group comes with Neutron's default egress rules.
 *
 * @example
 *   const sg = await create(net, { name: 't-web' });
 */
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
import type { SecurityGroup } from './results.ts';
import { SECURITY_GROUPS, securityGroupURL } from './urls.ts';

/** Request body attributes a security group update may change. */
export interface UpdateSecurityGroupOpts {
  name?: string;
  description?: string;
  stateful?: boolean;
}

/** Request body of a security group create. */
export interface CreateSecurityGroupOpts extends UpdateSecurityGroupOpts {
  name: string;
  /** Admin only. */
  project_id?: string;
}

/** Query filters of a security group list. */
export interface ListSecurityGroupsOpts extends CommonListOpts<SecurityGroup> {
  stateful?: boolean | undefined;
  shared?: boolean | undefined;
}

/**
 * create (a name is required), get, list (paged lazily), update (`ifMatch`), remove (409 while a port
 * uses it), removeIfExists.
 *
 * @example
 *   const sg = await create(net, { name: 't-sg' });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  SecurityGroup,
  CreateSecurityGroupOpts,
  UpdateSecurityGroupOpts,
  ListSecurityGroupsOpts
>({
  ...NEUTRON,
  name: 'security_group',
  plural: 'security_groups',
  collection: SECURITY_GROUPS,
  item: securityGroupURL,
  checkCreate: (body, path) => requireString(body, 'name', path),
});
