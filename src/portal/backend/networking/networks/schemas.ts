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
  subnets: Type.Array(Type.Object({ backend_id: Type.String() })),
});

export const networkSchemas: KindSchemas = {
  fields: NetworkFields,
  create: NetworkCreate,
  patch: NetworkPatch,
  actions: { set_mtu: SetMtu, create_subnet: SubnetFields },
  refs: { tenant: 'tenants' },
  check: { create_subnet: checkSubnetBody },
};
