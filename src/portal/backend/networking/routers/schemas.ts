/**
 * `/api/openstack-routers/`: create, delete (no PATCH, as Waldur), actions `add_interface` /
 * `remove_interface` (`{subnet}` or `{port}`, portal refs), `set_gateway` (`external_network_id`, null
 * removes it, absent: the provider's external network), `set_routes` (`{routes: [{destination, nexthop}]}`,
 * replaces all). Waldur's current names are served too: `add_router_interface`, `remove_router_interface`,
 * `set_external_gateway`, `remove_external_gateway`.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { KindSchemas } from '../../contract.ts';
import { invalid, parseCidr, requireVersion } from '../shared/net-input.ts';
import { closed, Description, Name, Ref, Route } from '../shared/schemas.ts';

export const RouterCreate = Type.Object(
  { tenant: Ref, name: Name, description: Type.Optional(Description) },
  closed,
);
const Interface = Type.Object({ subnet: Type.Optional(Ref), port: Type.Optional(Ref) }, closed);
const NetworkId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z-]+$' });
export const SetGateway = Type.Object(
  { external_network_id: Type.Optional(Type.Union([NetworkId, Type.Null()])) },
  closed,
);
export const SetExternalGateway = Type.Object({ external_network_id: NetworkId }, closed);
export const SetRoutes = Type.Object({ routes: Type.Array(Route, { maxItems: 128 }) }, closed);

export const RouterFields = Type.Object({
  routes: Type.Array(Type.Object({ destination: Type.String(), nexthop: Type.String() })),
  fixed_ips: Type.Array(Type.String()),
  ports: Type.Array(
    Type.Object({
      backend_id: Type.String(),
      network_backend_id: Type.String(),
      fixed_ips: Type.Array(Type.Object({ subnet_id: Type.String(), ip_address: Type.String() })),
    }),
  ),
  external_network_id: Type.Union([Type.String(), Type.Null()]),
});

type Body = Record<string, unknown>;

/** Exactly one of `subnet` and `port`. */
export function checkInterface(body: Body): void {
  if ((body.subnet === undefined) === (body.port === undefined)) {
    throw invalid('body.subnet', 'give exactly one of subnet and port');
  }
}

/** Each route: a CIDR and a next hop of its IP version, no destination twice with one next hop. */
export function checkRoutes(body: Body): void {
  const seen = new Set<string>();
  for (const [i, r] of ((body.routes ?? []) as { destination: string; nexthop: string }[]).entries()) {
    const d = parseCidr(r.destination, `body.routes[${i}].destination`);
    requireVersion(r.nexthop, d.version, `body.routes[${i}].nexthop`);
    const key = `${r.destination} ${r.nexthop}`;
    if (seen.has(key)) throw invalid(`body.routes[${i}]`, 'is given twice');
    seen.add(key);
  }
}

export const routerSchemas: KindSchemas = {
  fields: RouterFields,
  create: RouterCreate,
  actions: {
    add_interface: Interface,
    remove_interface: Interface,
    add_router_interface: Interface,
    remove_router_interface: Interface,
    set_gateway: SetGateway,
    set_external_gateway: SetExternalGateway,
    remove_external_gateway: Type.Object({}, closed),
    set_routes: SetRoutes,
  },
  refs: {
    tenant: 'tenants',
    'add_interface.subnet': 'subnets',
    'add_interface.port': 'ports',
    'remove_interface.subnet': 'subnets',
    'remove_interface.port': 'ports',
    'add_router_interface.subnet': 'subnets',
    'add_router_interface.port': 'ports',
    'remove_router_interface.subnet': 'subnets',
    'remove_router_interface.port': 'ports',
  },
  check: {
    add_interface: checkInterface,
    remove_interface: checkInterface,
    add_router_interface: checkInterface,
    remove_router_interface: checkInterface,
    set_routes: checkRoutes,
  },
};
