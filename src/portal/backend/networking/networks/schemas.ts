/**
 * `/api/openstack-networks/`: create (name, description, mtu), PATCH (name, description), actions
 * `set_mtu` and `create_subnet` (a subnet's create body without `network`).
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindSchemas } from '../../contract.ts';
import { closed, Description, Mtu, Name, Ref } from '../shared/schemas.ts';
import { checkSubnetBody, SubnetFields } from '../subnets/schemas.ts';

export const NetworkCreate = Type.Object(
  { tenant: Ref, name: Name, description: Type.Optional(Description), mtu: Type.Optional(Mtu) },
  closed,
);
export const NetworkPatch = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  closed,
);
export const SetMtu = Type.Object({ mtu: Mtu }, closed);

export const NetworkFields = Type.Object({
  type: Type.String(),
  segmentation_id: Type.Union([Type.Integer(), Type.Null()]),
  is_external: Type.Boolean(),
  mtu: Type.Union([Type.Integer(), Type.Null()]),
  subnets: Type.Array(
    Type.Object({
      backend_id: Type.String(),
      // Waldur's NestedSubNetSerializer, from the portal's subnet resource (absent until it is pulled)
      uuid: Type.Optional(Type.String()),
      url: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      cidr: Type.Optional(Type.String()),
      gateway_ip: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      allocation_pools: Type.Optional(Type.Array(Type.Object({ start: Type.String(), end: Type.String() }))),
      ip_version: Type.Optional(Type.Integer()),
      enable_dhcp: Type.Optional(Type.Boolean()),
    }),
  ),
});

export const networkSchemas: KindSchemas = {
  fields: NetworkFields,
  create: NetworkCreate,
  patch: NetworkPatch,
  actions: { set_mtu: SetMtu, create_subnet: SubnetFields },
  refs: { tenant: 'tenants' },
  embeds: {
    subnets: {
      kind: 'subnets',
      fields: ['cidr', 'gateway_ip', 'allocation_pools', 'ip_version', 'enable_dhcp'],
    },
  },
  check: { create_subnet: checkSubnetBody },
};
