/**
 * A Neutron RBAC policy on a network as the portal shows it (Waldur's NetworkRBACPolicy: `policy_type`,
 * the network and the target tenant, backend ids here that the engine links). `inbound` marks a policy that
 * shares another tenant's network with this one: it appears in both tenants' lists, and belongs to the
 * network's.
 *
 * @example
 *   const record = rbacRecord(policy, scope.projectId);
 */
import type { RbacPolicy } from '../../../../openstack/networking/v2/rbac-policies/results.ts';
import type { BackendRecord } from '../../contract.ts';

export function rbacRecord(p: RbacPolicy, projectId: string): BackendRecord {
  return {
    backend_id: p.id,
    name: '',
    description: '',
    parent_backend_id: p.object_id,
    fields: {
      network_backend_id: p.object_id,
      target_tenant_backend_id: p.target_tenant,
      policy_type: p.action,
      inbound: p.project_id !== projectId,
    },
  };
}
