/**
 * Security group calls. Create/update options are the request body (`{"security_group": {...}}`); list
 * filters the query. A new group comes with Neutron's default egress rules.
 *
 * @example
 *   const sg = await create(net, { name: 't-web' });
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { createOne, getOne, listAll, removeOne, removeOneIfExists, updateOne } from '../shared/crud.ts';
import type { CommonListOpts, Listed, UpdateOptions } from '../shared/types.ts';
import { requireObject, requireString } from '../shared/validate.ts';
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

/** Creates a security group. @example await create(net, { name: 't-sg' }) */
export function create(client: ServiceClient, opts: CreateSecurityGroupOpts): Promise<SecurityGroup> {
  requireString(requireObject(opts, 'security_group'), 'name', 'security_group');
  return createOne<SecurityGroup>(client, SECURITY_GROUPS, 'security_group', opts);
}

/** One security group by id. @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<SecurityGroup> {
  return getOne<SecurityGroup>(client, securityGroupURL(id), 'security_group');
}

/** Security groups matching the filters, paged lazily. @example for await (const g of list(net, { names: ['default'] })) {} */
export function list<F extends ListSecurityGroupsOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<SecurityGroup, F>, void, undefined> {
  return listAll<SecurityGroup, F>(client, SECURITY_GROUPS, 'security_groups', filters as F);
}

/** Changes a security group; `ifMatch` makes it conditional. @example await update(net, id, { name: 'b' }, { ifMatch: 1 }) */
export function update(
  client: ServiceClient,
  id: string,
  opts: UpdateSecurityGroupOpts,
  options: UpdateOptions = {},
): Promise<SecurityGroup> {
  return updateOne<SecurityGroup>(client, securityGroupURL(id), 'security_group', opts, options);
}

/** Deletes a security group (409 while a port uses it). @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, securityGroupURL(id));
}

/** Deletes a security group; false when it was already gone. @example await removeIfExists(net, id) */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, securityGroupURL(id));
}
