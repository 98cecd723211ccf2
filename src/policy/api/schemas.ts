/**
 * TypeBox schemas of the policy API's bodies and queries (the public v1 shape of Cloud Foundry's policy
 * server, plus v0's single `port`). Unknown fields are errors naming them; ids are 1-255 characters of
 * what CF app GUIDs and Kubernetes `namespace/app` names use.
 *
 * @example
 *   app.post('/networking/v1/external/policies', { schema: { body: PoliciesBody } }, handler);
 */
import { type Static, Type } from '@fastify/type-provider-typebox';

/** A policy group id: a CF app GUID, `namespace/app`, or any id of that alphabet. */
export const GROUP_ID = '^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,254}$';

const Id = Type.String({ pattern: GROUP_ID });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });

export const PortsSchema = Type.Object({ start: Port, end: Port }, { additionalProperties: false });

export const PolicyBody = Type.Object(
  {
    source: Type.Object({ id: Id }, { additionalProperties: false }),
    destination: Type.Object(
      {
        id: Id,
        protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
        // v1 has ports, v0 has port; exactly one (checked in shapes.ts: a schema "oneOf" names no field)
        ports: Type.Optional(PortsSchema),
        port: Type.Optional(Port),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const PoliciesBody = Type.Object(
  { policies: Type.Array(PolicyBody, { maxItems: 10_000 }) },
  { additionalProperties: false },
);
export type PoliciesBody = Static<typeof PoliciesBody>;

export const ExternalQuery = Type.Object({
  id: Type.Optional(Type.String()),
  source_id: Type.Optional(Type.String()),
  dest_id: Type.Optional(Type.String()),
});
export type ExternalQuery = Static<typeof ExternalQuery>;

export const IdQuery = Type.Object({ id: Type.Optional(Type.String()) });
export type IdQuery = Static<typeof IdQuery>;

export const TagBody = Type.Object(
  { id: Id, type: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' })) },
  { additionalProperties: false },
);
export type TagBody = Static<typeof TagBody>;
