/**
 * `/api/openstack-floating-ips/`: create (from the provider's external network, in the tenant), delete,
 * actions `attach_to_port` (`{port}`, a portal ref, as Waldur) and `detach_from_port` (`{}`), and the seed's
 * `assign` / `unassign` with the same bodies.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindSchemas } from '../../contract.ts';
import { closed, Description, Ref } from '../shared/schemas.ts';

export const FloatingIpCreate = Type.Object({ tenant: Ref, description: Type.Optional(Description) }, closed);
const ToPort = Type.Object({ port: Ref }, closed);
const Empty = Type.Object({}, closed);

export const FloatingIpFields = Type.Object({
  address: Type.String(),
  backend_network_id: Type.String(),
  port_backend_id: Type.Union([Type.String(), Type.Null()]),
  fixed_ip_address: Type.Union([Type.String(), Type.Null()]),
});

export const floatingIpSchemas: KindSchemas = {
  fields: FloatingIpFields,
  create: FloatingIpCreate,
  actions: { attach_to_port: ToPort, detach_from_port: Empty, assign: ToPort, unassign: Empty },
  refs: { tenant: 'tenants', 'attach_to_port.port': 'ports', 'assign.port': 'ports' },
};
