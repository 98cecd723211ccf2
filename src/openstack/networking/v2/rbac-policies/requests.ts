/**
 * RBAC policy calls (share a network, QoS policy, security group, ... with one project or all). Create and
 * update options are the request body (`{"rbac_policy": {...}}`); list filters the query.
 *
 * @example
 *   await create(net, { object_type: 'network', object_id: netId, action: 'access_as_shared', target_tenant: demo2 });
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { createOne, getOne, listAll, removeOne, removeOneIfExists, updateOne } from '../shared/crud.ts';
import type { CommonListOpts, Listed, UpdateOptions } from '../shared/types.ts';
import { requireObject, requireOneOf, requireString } from '../shared/validate.ts';
import type { RbacAction, RbacObjectType, RbacPolicy } from './results.ts';
import { RBAC_POLICIES, rbacPolicyURL } from './urls.ts';

/** Request body of an RBAC policy update: only the target can change. */
export interface UpdateRbacPolicyOpts {
  target_tenant: string;
}

/** Request body of an RBAC policy create. */
export interface CreateRbacPolicyOpts {
  object_type: RbacObjectType;
  object_id: string;
  action: RbacAction;
  /** A project id, or '*' for every project. */
  target_tenant: string;
  /** Admin only. */
  project_id?: string;
}

/** Query filters of an RBAC policy list. */
export interface ListRbacPoliciesOpts
  extends Pick<
    CommonListOpts<RbacPolicy>,
    'ids' | 'project_id' | 'fields' | 'sort_key' | 'sort_dir' | 'limit' | 'marker'
  > {
  object_type?: RbacObjectType | undefined;
  object_id?: string | undefined;
  action?: RbacAction | undefined;
  target_tenant?: string | undefined;
}

const OBJECT_TYPES: readonly RbacObjectType[] = [
  'network',
  'qos_policy',
  'security_group',
  'address_scope',
  'subnetpool',
  'address_group',
];

/** Creates an RBAC policy. @example await create(net, { object_type: 'network', object_id, action: 'access_as_shared', target_tenant: '*' }) */
export function create(client: ServiceClient, opts: CreateRbacPolicyOpts): Promise<RbacPolicy> {
  const body = requireObject(opts, 'rbac_policy');
  requireOneOf(body, 'object_type', OBJECT_TYPES, 'rbac_policy');
  requireString(body, 'object_id', 'rbac_policy');
  requireOneOf(body, 'action', ['access_as_shared', 'access_as_external'], 'rbac_policy');
  requireString(body, 'target_tenant', 'rbac_policy');
  return createOne<RbacPolicy>(client, RBAC_POLICIES, 'rbac_policy', opts);
}

/** One RBAC policy by id. @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<RbacPolicy> {
  return getOne<RbacPolicy>(client, rbacPolicyURL(id), 'rbac_policy');
}

/** RBAC policies matching the filters, paged lazily. @example for await (const p of list(net, { object_id })) {} */
export function list<F extends ListRbacPoliciesOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<RbacPolicy, F>, void, undefined> {
  return listAll<RbacPolicy, F>(client, RBAC_POLICIES, 'rbac_policies', filters as F);
}

/** Moves the policy to another target project. @example await update(net, id, { target_tenant: other }) */
export function update(
  client: ServiceClient,
  id: string,
  opts: UpdateRbacPolicyOpts,
  options: UpdateOptions = {},
): Promise<RbacPolicy> {
  requireString(requireObject(opts, 'rbac_policy'), 'target_tenant', 'rbac_policy');
  return updateOne<RbacPolicy>(client, rbacPolicyURL(id), 'rbac_policy', opts, options);
}

/** Deletes an RBAC policy (409 while the target project uses the object). @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, rbacPolicyURL(id));
}

/** Deletes an RBAC policy; false when it was already gone. @example await removeIfExists(net, id) */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, rbacPolicyURL(id));
}
