/**
 * `/api/openstack-subnets/` (Waldur's SubNet serializer fields): create under a network, PATCH, actions
 * `connect` / `disconnect` (to and from the tenant's router, empty bodies).
 */
import { Type } from '@fastify/type-provider-typebox';
import { OsnetError } from '../../../../lib/errors.ts';
import type { KindSchemas } from '../../contract.ts';
import {
  type Cidr,
  invalid,
  parseCidr,
  parseIp,
  requireInside,
  requireVersion,
} from '../shared/net-input.ts';
import { CidrString, closed, Description, IpString, Name, Ref, Route } from '../shared/schemas.ts';

/** Waldur's default CIDR of a subnet created without one. */
export const DEFAULT_CIDR = '192.168.42.0/24';

const Pool = Type.Object({ start: IpString, end: IpString }, closed);
type Pool = { start: string; end: string };
const common = {
  name: Type.Optional(Name),
  description: Type.Optional(Description),
  gateway_ip: Type.Optional(Type.Union([IpString, Type.Null()])),
  disable_gateway: Type.Optional(Type.Boolean()),
  allocation_pools: Type.Optional(Type.Array(Pool, { maxItems: 64 })),
  dns_nameservers: Type.Optional(Type.Array(IpString, { maxItems: 16 })),
  host_routes: Type.Optional(Type.Array(Route, { maxItems: 64 })),
};
const createOnly = {
  cidr: Type.Optional(CidrString),
  ip_version: Type.Optional(Type.Union([Type.Literal(4), Type.Literal(6)])),
  enable_dhcp: Type.Optional(Type.Boolean()),
};

/** A subnet's body without its network: also the body of a network's `create_subnet`. */
export const SubnetFields = Type.Object({ ...common, ...createOnly }, closed);
export const SubnetCreate = Type.Object({ network: Ref, ...common, ...createOnly }, closed);
export const SubnetPatch = Type.Object(common, closed);
const Empty = Type.Object({}, closed);

export const SubnetRecordFields = Type.Object({
  network_backend_id: Type.String(),
  cidr: Type.String(),
  gateway_ip: Type.Union([Type.String(), Type.Null()]),
  disable_gateway: Type.Boolean(),
  allocation_pools: Type.Array(Type.Object({ start: Type.String(), end: Type.String() })),
  ip_version: Type.Integer(),
  enable_dhcp: Type.Boolean(),
  dns_nameservers: Type.Array(Type.String()),
  host_routes: Type.Array(Type.Object({ destination: Type.String(), nexthop: Type.String() })),
  is_connected: Type.Boolean(),
});

type Body = Record<string, unknown>;

function checkAgainst(net: Cidr | undefined, body: Body, currentPools?: readonly Pool[]): void {
  if (body.disable_gateway === true && body.gateway_ip !== undefined && body.gateway_ip !== null) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'body.gateway_ip: cannot be set with disable_gateway', {
      field: 'body.gateway_ip',
    });
  }
  const inside = (ip: unknown, field: string) =>
    net ? requireInside(net, ip, field) : parseIp(ip, field).value;
  const pools = (body.allocation_pools ?? []) as Pool[];
  const ranges = pools.map((p, i) => {
    const start = inside(p.start, `body.allocation_pools[${i}].start`);
    const end = inside(p.end, `body.allocation_pools[${i}].end`);
    if (start > end) throw invalid(`body.allocation_pools[${i}].end`, 'is before start');
    return { i, start, end };
  });
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let k = 1; k < ranges.length; k++) {
    if (ranges[k]!.start <= ranges[k - 1]!.end) {
      throw invalid(`body.allocation_pools[${ranges[k]!.i}].start`, 'overlaps another pool');
    }
  }
  if (typeof body.gateway_ip === 'string') {
    const gw = inside(body.gateway_ip, 'body.gateway_ip');
    // Neutron refuses a gateway inside an allocation pool (409): say which field, before any call
    const against = body.allocation_pools === undefined ? (currentPools ?? []) : pools;
    for (const p of against) {
      if (
        gw >= parseIp(p.start, 'allocation_pools').value &&
        gw <= parseIp(p.end, 'allocation_pools').value
      ) {
        throw invalid(
          'body.gateway_ip',
          `${body.gateway_ip} is inside the allocation pool ${p.start}-${p.end}`,
        );
      }
    }
  }
  for (const [i, ip] of ((body.dns_nameservers ?? []) as string[]).entries()) {
    parseIp(ip, `body.dns_nameservers[${i}]`);
  }
  for (const [i, r] of ((body.host_routes ?? []) as { destination: string; nexthop: string }[]).entries()) {
    const dest = parseCidr(r.destination, `body.host_routes[${i}].destination`);
    if (net && dest.version !== net.version) {
      throw invalid(`body.host_routes[${i}].destination`, `must be IPv${net.version}`);
    }
    requireVersion(r.nexthop, dest.version, `body.host_routes[${i}].nexthop`);
  }
}

/** Create (or `create_subnet`) body: the CIDR of `ip_version`, and every address inside it. */
export function checkSubnetBody(body: Body): void {
  const version = (body.ip_version ?? 4) as 4 | 6;
  const net = parseCidr(body.cidr ?? DEFAULT_CIDR, 'body.cidr');
  if (net.version !== version) throw invalid('body.cidr', `is IPv${net.version}, ip_version is ${version}`);
  checkAgainst(net, body);
}

/** PATCH body; the backend checks again against the subnet's CIDR and pools before updating. */
export function checkSubnetPatch(
  body: Body,
  current?: { cidr: string; allocation_pools: readonly Pool[] },
): void {
  checkAgainst(current && parseCidr(current.cidr, 'cidr'), body, current?.allocation_pools);
}

export const subnetSchemas: KindSchemas = {
  fields: SubnetRecordFields,
  create: SubnetCreate,
  patch: SubnetPatch,
  actions: { connect: Empty, disconnect: Empty },
  refs: { network: 'networks' },
  parent: 'networks',
  check: { create: checkSubnetBody, patch: (b) => checkSubnetPatch(b) },
};
