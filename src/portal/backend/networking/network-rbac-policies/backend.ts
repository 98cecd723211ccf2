/**
 * The OpenStack side of `/api/openstack-network-rbac-policies/`. RBAC policies take no tags, but Neutron
 * allows one policy per (network, target, action), so create is idempotent by that triple: a retry finds
 * the policy it made. Only the tenant's own networks can be shared (the connection is admin, which Neutron
 * would let share anything). The list is two calls: the tenant's policies and those targeting it.
 *
 * @example
 *   await rbacBackend.create(scope, { network: netId, target_tenant: otherProjectId, policy_type: 'access_as_shared' }, marker);
 */
import { ConflictError } from '../../../../openstack/client/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import * as networks from '../../../../openstack/networking/v2/networks/index.ts';
import * as rbacPolicies from '../../../../openstack/networking/v2/rbac-policies/index.ts';
import type { KindBackend, TenantScope } from '../../contract.ts';
import { first } from '../shared/marker.ts';
import { neutron, requireOwn } from '../shared/scope.ts';
import { rbacRecord } from './fields.ts';

export interface RbacSpec {
  /** Backend id of the tenant's network. */
  network: string;
  /** Keystone project id of the target tenant. */
  target_tenant: string;
  policy_type: 'access_as_shared' | 'access_as_external';
}

async function existing(scope: TenantScope, spec: RbacSpec): Promise<rbacPolicies.RbacPolicy | undefined> {
  const net = await neutron(scope);
  return first(
    rbacPolicies.list(net, {
      object_type: 'network',
      object_id: spec.network,
      target_tenant: spec.target_tenant,
      action: spec.policy_type,
    }),
  );
}

export const rbacBackend: KindBackend<RbacSpec> = {
  kind: 'network-rbac-policies',
  async list(scope) {
    const net = await neutron(scope);
    const [own, targeting] = await Promise.all([
      collect(rbacPolicies.list(net, { object_type: 'network', project_id: scope.projectId })),
      collect(rbacPolicies.list(net, { object_type: 'network', target_tenant: scope.projectId })),
    ]);
    const byId = new Map([...own, ...targeting].map((p) => [p.id, p]));
    return [...byId.values()].map((p) => rbacRecord(p, scope.projectId));
  },
  async create(scope, spec) {
    const net = await neutron(scope);
    requireOwn(scope, await networks.get(net, spec.network), 'body.network');
    let policy = await existing(scope, spec);
    if (!policy) {
      try {
        policy = await rbacPolicies.create(net, {
          object_type: 'network',
          object_id: spec.network,
          action: spec.policy_type,
          target_tenant: spec.target_tenant,
          project_id: scope.projectId,
        });
      } catch (e) {
        // another attempt made it between the look and the create
        policy = e instanceof ConflictError ? await existing(scope, spec) : undefined;
        if (!policy) throw e;
      }
    }
    return { record: rbacRecord(policy, scope.projectId) };
  },
  async delete(scope, backendId) {
    await rbacPolicies.removeIfExists(await neutron(scope), backendId);
  },
};
