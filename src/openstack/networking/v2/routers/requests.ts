/**
 * Router calls: CRUD, interfaces, external gateway and extra routes (read-modify-write under If-Match). Create/update options are the
 * request body (`{"router": {...}}`); list filters the query.
 *
 * @example
 *   const r = await create(net, { name: 't-r' });
 *   await addInterface(net, r.id, { subnet_id });
 *   await setGateway(net, r.id, { network_id: extNetId });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { PreconditionFailedError } from '../../../client/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { resource } from '../../../resource/resource.ts';
import type { UpdateOptions } from '../../../resource/types.ts';
import { requireObject } from '../../../resource/validate.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
import type { Route, Router, RouterInterface } from './results.ts';
import { ROUTERS, routerActionURL, routerURL } from './urls.ts';

/** Request body of the external gateway: an external network, optionally SNAT and fixed addresses. */
export interface GatewayOpts {
  network_id: string;
  /** Admin only in the default policy. */
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

/** Request body attributes a router update may change. */
export interface UpdateRouterOpts {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  /** null or {} removes the gateway. */
  external_gateway_info?: GatewayOpts | Record<string, never> | null;
  /** Replaces all static routes. */
  routes?: Route[];
  /** Admin only. */
  distributed?: boolean;
  /** Admin only. */
  ha?: boolean;
}

/** Request body of a router create. */
export interface CreateRouterOpts extends Omit<UpdateRouterOpts, 'routes'> {
  availability_zone_hints?: string[];
  flavor_id?: string;
  /** Admin only. */
  project_id?: string;
}

/** Query filters of a router list. */
export interface ListRoutersOpts extends CommonListOpts<Router> {
  status?: string | undefined;
  admin_state_up?: boolean | undefined;
  distributed?: boolean | undefined;
  ha?: boolean | undefined;
}

/** Which thing to attach: a subnet (the router takes its gateway address) or an existing port. */
export type InterfaceOpts = { subnet_id: string; port_id?: never } | { port_id: string; subnet_id?: never };

/**
 * create, get, list, update (`ifMatch`: see the lab notes in docs/openstack-client.md), remove, removeIfExists.
 *
 * @example
 *   const r = await create(net, { name: 'edge', external_gateway_info: { network_id: ext } });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Router,
  CreateRouterOpts,
  UpdateRouterOpts,
  ListRoutersOpts
>({
  ...NEUTRON,
  name: 'router',
  plural: 'routers',
  collection: ROUTERS,
  item: routerURL,
});

function interfaceBody(opts: InterfaceOpts): InterfaceOpts {
  const body = requireObject(opts, 'interface');
  const hasSubnet = typeof body.subnet_id === 'string' && body.subnet_id !== '';
  const hasPort = typeof body.port_id === 'string' && body.port_id !== '';
  if (hasSubnet === hasPort) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'interface: give exactly one of subnet_id and port_id', {
      field: 'interface.subnet_id',
    });
  }
  return opts;
}

async function interfaceCall(
  client: ServiceClient,
  id: string,
  action: 'add_router_interface' | 'remove_router_interface',
  opts: InterfaceOpts,
): Promise<RouterInterface> {
  // PUT with an explicit non-idempotent flag: a retried add after a lost answer would fail with 400 "already has a port"
  const res = await client.put<RouterInterface>(routerActionURL(id, action), {
    body: interfaceBody(opts),
    idempotent: false,
  });
  return res.body;
}

/** Attaches a subnet or port to the router. @example await addInterface(net, routerId, { subnet_id }) */
export function addInterface(
  client: ServiceClient,
  id: string,
  opts: InterfaceOpts,
): Promise<RouterInterface> {
  return interfaceCall(client, id, 'add_router_interface', opts);
}

/** Detaches a subnet or port from the router. @example await removeInterface(net, routerId, { subnet_id }) */
export function removeInterface(
  client: ServiceClient,
  id: string,
  opts: InterfaceOpts,
): Promise<RouterInterface> {
  return interfaceCall(client, id, 'remove_router_interface', opts);
}

/** Sets the external gateway. @example await setGateway(net, routerId, { network_id: extNet }) */
export function setGateway(
  client: ServiceClient,
  id: string,
  gateway: GatewayOpts,
  options: UpdateOptions = {},
): Promise<Router> {
  return update(client, id, { external_gateway_info: gateway }, options);
}

/** Removes the external gateway. @example await clearGateway(net, routerId) */
export function clearGateway(
  client: ServiceClient,
  id: string,
  options: UpdateOptions = {},
): Promise<Router> {
  return update(client, id, { external_gateway_info: {} }, options);
}

function sameRoute(a: Route, b: Route): boolean {
  return a.destination === b.destination && a.nexthop === b.nexthop;
}

/**
 * Changes the static routes by read-modify-write under `If-Match`, retried when another writer got in
 * between, so concurrent callers never drop each other's routes (works without extraroute-atomic).
 */
async function editRoutes(
  client: ServiceClient,
  id: string,
  routes: Route[],
  edit: (current: Route[]) => Route[],
): Promise<Router> {
  if (!Array.isArray(routes) || routes.length === 0) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'routes: must be a non-empty list', { field: 'routes' });
  }
  for (let attempt = 1; ; attempt++) {
    const router = await get(client, id);
    try {
      return await update(client, id, { routes: edit(router.routes) }, { ifMatch: router.revision_number });
    } catch (e) {
      if (!(e instanceof PreconditionFailedError) || attempt >= 5) throw e;
    }
  }
}

/**
 * Adds static routes, keeping the others (and not adding one twice).
 *
 * @example
 *   await addExtraRoutes(net, id, [{ destination: '10.9.0.0/24', nexthop: '10.0.0.5' }]);
 */
export function addExtraRoutes(client: ServiceClient, id: string, routes: Route[]): Promise<Router> {
  return editRoutes(client, id, routes, (cur) => [
    ...cur,
    ...routes.filter((r) => !cur.some((c) => sameRoute(c, r))),
  ]);
}

/** Removes these static routes, keeping the others. @example await removeExtraRoutes(net, id, routes) */
export function removeExtraRoutes(client: ServiceClient, id: string, routes: Route[]): Promise<Router> {
  return editRoutes(client, id, routes, (cur) => cur.filter((c) => !routes.some((r) => sameRoute(c, r))));
}
