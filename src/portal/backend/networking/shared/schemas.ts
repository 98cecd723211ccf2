/**
 * TypeBox pieces the networking kinds share. Patterns keep obvious garbage out at the schema; what a pattern
 * cannot say (an address inside its CIDR) is in each kind's `check` (net-input.ts).
 *
 * @example
 *   const Create = Type.Object({ name: Name, cidr: CidrString }, closed);
 */
import { Type } from '@fastify/type-provider-typebox';

export const closed = { additionalProperties: false } as const;

export const Name = Type.String({ minLength: 1, maxLength: 150 });
export const Description = Type.String({ maxLength: 2000 });
/** A portal reference: the resource's URL or its uuid (the engine resolves it to a backend id). */
export const Ref = Type.String({ minLength: 1, maxLength: 2048 });
export const IpString = Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f.:]+$' });
export const CidrString = Type.String({
  minLength: 4,
  maxLength: 49,
  pattern: '^[0-9A-Fa-f.:]+/[0-9]{1,3}$',
});
export const Mtu = Type.Integer({ minimum: 68, maximum: 9000 });
export const MacAddress = Type.String({ pattern: '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$' });

export const Route = Type.Object({ destination: CidrString, nexthop: IpString }, closed);
export const FixedIp = Type.Object(
  { subnet_id: Type.Optional(Type.String({ minLength: 1 })), ip_address: Type.Optional(IpString) },
  closed,
);
export const AddressPair = Type.Object(
  { ip_address: Type.Union([IpString, CidrString]), mac_address: Type.Optional(MacAddress) },
  closed,
);
