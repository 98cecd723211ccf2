/**
 * `/api/openstack-ports/`: create on a network (portal ref) with fixed IPs, MAC, security groups (portal
 * refs), allowed address pairs and port security; PATCH of name, description, security groups and address
 * pairs; delete.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindSchemas } from '../../contract.ts';
import { invalid, parseCidr, parseIp } from '../shared/net-input.ts';
import { AddressPair, closed, Description, FixedIp, MacAddress, Name, Ref } from '../shared/schemas.ts';

const SecurityGroups = Type.Array(Ref, { maxItems: 64 });
const AddressPairs = Type.Array(AddressPair, { maxItems: 64 });

export const PortCreate = Type.Object(
  {
    network: Ref,
    name: Type.Optional(Type.String({ maxLength: 150 })),
    description: Type.Optional(Description),
    fixed_ips: Type.Optional(Type.Array(FixedIp, { maxItems: 32 })),
    mac_address: Type.Optional(MacAddress),
    security_groups: Type.Optional(SecurityGroups),
    allowed_address_pairs: Type.Optional(AddressPairs),
    port_security_enabled: Type.Optional(Type.Boolean()),
  },
  closed,
);
export const PortPatch = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    security_groups: Type.Optional(SecurityGroups),
    allowed_address_pairs: Type.Optional(AddressPairs),
  },
  closed,
);

export const PortFields = Type.Object({
  network_backend_id: Type.String(),
  fixed_ips: Type.Array(Type.Object({ subnet_id: Type.String(), ip_address: Type.String() })),
  mac_address: Type.String(),
  allowed_address_pairs: Type.Array(Type.Object({ ip_address: Type.String(), mac_address: Type.String() })),
  security_groups: Type.Array(Type.String()),
  device_id: Type.String(),
  device_owner: Type.String(),
  port_security_enabled: Type.Boolean(),
  admin_state_up: Type.Boolean(),
});

type Body = Record<string, unknown>;

/** Addresses parse; port security off goes with no security groups and no address pairs (Neutron's rule). */
export function checkPortBody(body: Body): void {
  for (const [i, f] of ((body.fixed_ips ?? []) as { subnet_id?: string; ip_address?: string }[]).entries()) {
    if (f.subnet_id === undefined && f.ip_address === undefined) {
      throw invalid(`body.fixed_ips[${i}]`, 'give subnet_id, ip_address or both');
    }
    if (f.ip_address !== undefined) parseIp(f.ip_address, `body.fixed_ips[${i}].ip_address`);
  }
  for (const [i, a] of ((body.allowed_address_pairs ?? []) as { ip_address: string }[]).entries()) {
    const field = `body.allowed_address_pairs[${i}].ip_address`;
    if (a.ip_address.includes('/')) parseCidr(a.ip_address, field);
    else parseIp(a.ip_address, field);
  }
  if (body.port_security_enabled === false) {
    if (((body.security_groups ?? []) as unknown[]).length > 0) {
      throw invalid('body.security_groups', 'must be empty when port_security_enabled is false');
    }
    if (((body.allowed_address_pairs ?? []) as unknown[]).length > 0) {
      throw invalid('body.allowed_address_pairs', 'must be empty when port_security_enabled is false');
    }
  }
}

export const portSchemas: KindSchemas = {
  fields: PortFields,
  create: PortCreate,
  patch: PortPatch,
  refs: { network: 'networks', security_groups: 'sgp' },
  check: { create: checkPortBody, patch: checkPortBody },
};
