/**
 * RBAC policy calls (share a network, QoS policy, security group, ... with one project or all). Create and
 * update options are the request body (`{"rbac_policy": {...}}`); list filters the query.
 *
 * @example
 *   await create(net, { object_type: 'network', object_id: netId, action: 'access_as_shared', target_tenant: demo2 });
 */
import { resource } from '../../../resource/resource.ts';
import { requireOneOf, requireString } from '../../../resource/validate.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
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

/**
 * create, get, list, update (only target_tenant changes; `ifMatch`), remove, removeIfExists.
 *
 * @example
 *   await create(net, { object_type: 'network', object_id: n.id, action: 'access_as_shared', target_tenant: p });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  RbacPolicy,
  CreateRbacPolicyOpts,
  UpdateRbacPolicyOpts,
  ListRbacPoliciesOpts
>({
  ...NEUTRON,
  name: 'rbac_policy',
  plural: 'rbac_policies',
  collection: RBAC_POLICIES,
  item: rbacPolicyURL,
  checkCreate(body, path) {
    requireOneOf(body, 'object_type', OBJECT_TYPES, path);
    requireString(body, 'object_id', path);
    requireOneOf(body, 'action', ['access_as_shared', 'access_as_external'], path);
    requireString(body, 'target_tenant', path);
  },
  checkUpdate: (body, path) => requireString(body, 'target_tenant', path),
});
