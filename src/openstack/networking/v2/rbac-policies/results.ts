/**
 * The RBAC policy as Neutron returns it: `target_tenant` gets `action` on the object.
 *
 * @example
 *   const sharedWith = policy.target_tenant; // a project id, or '*'
 */

export type RbacObjectType =
  | 'network'
  | 'qos_policy'
  | 'security_group'
  | 'address_scope'
  | 'subnetpool'
  | 'address_group';

export type RbacAction = 'access_as_shared' | 'access_as_external';

/** An RBAC policy. @example const p: RbacPolicy = await rbacPolicies.get(net, id); */
export interface RbacPolicy {
  id: string;
  object_type: RbacObjectType;
  object_id: string;
  action: RbacAction;
  /** The project given access, '*' for all. */
  target_tenant: string;
  project_id: string;
  tenant_id: string;
}
