/**
 * Two kinds over the fake cloud with real TypeBox schemas (the shapes portal-net's networks and subnets
 * take), so the generic routes can be tested with faults on demand: `networks` (in a tenant; PATCH;
 * `set_mtu`; `create_subnet` creating a subnet under it) and `subnets` (under a network).
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindRoutes } from '../../portal/resources/register-kind.ts';
import { type FakeCloud, fakeKindBackend } from './fake-backend.ts';

const closed = { additionalProperties: false } as const;

export function fakeKinds(cloud: FakeCloud): KindRoutes[] {
  return [
    {
      kind: 'networks',
      backend: fakeKindBackend(cloud, 'networks'),
      schemas: {
        // required, as the real networks' fields are: a resource not created yet has none of them
        fields: Type.Object({ mtu: Type.Optional(Type.Integer()), type: Type.String() }),
        create: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 255 }),
            description: Type.Optional(Type.String()),
            tenant: Type.String(),
            mtu: Type.Optional(Type.Integer({ minimum: 68, maximum: 9000 })),
          },
          closed,
        ),
        patch: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 1 })), description: Type.Optional(Type.String()) },
          closed,
        ),
        actions: { set_mtu: Type.Object({ mtu: Type.Integer({ minimum: 68, maximum: 9000 }) }, closed) },
        refs: { tenant: 'tenants' },
      },
      creates: { create_subnet: { kind: 'subnets', field: 'network' } },
    },
    {
      kind: 'subnets',
      backend: fakeKindBackend(cloud, 'subnets', { parentField: 'network' }),
      schemas: {
        fields: Type.Object({ cidr: Type.Optional(Type.String()) }),
        create: Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            network: Type.String(),
            cidr: Type.String({ pattern: '^[0-9./]+$' }),
          },
          closed,
        ),
        refs: { network: 'networks' },
        parent: 'networks',
      },
    },
    {
      // refers to two tenants' objects: placed by its network, not by its target tenant
      kind: 'network-rbac-policies',
      backend: fakeKindBackend(cloud, 'network-rbac-policies'),
      schemas: {
        fields: Type.Object({ policy_type: Type.Optional(Type.String()) }),
        create: Type.Object(
          {
            network: Type.String(),
            target_tenant: Type.String(),
            policy_type: Type.Literal('access_as_shared'),
          },
          closed,
        ),
        refs: { network: 'networks', target_tenant: 'tenants' },
      },
    },
  ];
}
