/**
 * `/api/openstack-network-rbac-policies/`: share one of the tenant's networks with another tenant of the
 * same provider (`network`, `target_tenant`: portal refs; `policy_type` access_as_shared |
 * access_as_external), delete, list.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindSchemas } from '../../contract.ts';
import { closed, Ref } from '../shared/schemas.ts';

export const PolicyType = Type.Union([Type.Literal('access_as_shared'), Type.Literal('access_as_external')]);
export const RbacCreate = Type.Object({ network: Ref, target_tenant: Ref, policy_type: PolicyType }, closed);

export const RbacFields = Type.Object({
  network_backend_id: Type.String(),
  target_tenant_backend_id: Type.String(),
  policy_type: Type.String(),
  inbound: Type.Boolean(),
});

export const rbacSchemas: KindSchemas = {
  fields: RbacFields,
  create: RbacCreate,
  refs: { network: 'networks', target_tenant: 'tenants' },
};
