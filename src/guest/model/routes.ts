/**
 * Facts about one route that parse, the route policy, every renderer and the live `ip` apply must agree
 * on: is it a default route, can the kernel take it before a DHCP lease, and must it be marked on-link.
 *
 * @example
 *   needsOnLink({ to: '0.0.0.0/0', via: '10.0.0.1', family: 4 }, [{ cidr: '192.0.2.5/24', family: 4 }]); // true
 */
import { inSubnet, isLinkLocal6, parseIp } from './ip.ts';
import type { Route } from './types.ts';

/** A NIC's static addresses, as the renderers' NIC view lists them. */
export type StaticAddresses = readonly { cidr: string; family: 4 | 6 }[];

/** True for 0.0.0.0/0 and ::/0. */
export function isDefaultRoute(r: Pick<Route, 'to'>): boolean {
  return r.to === '0.0.0.0/0' || r.to === '::/0';
}

/** The destination of a default route of `family`. */
export function defaultDestination(family: 4 | 6): string {
  return family === 4 ? '0.0.0.0/0' : '::/0';
}

/**
 * Whether the kernel takes this route on a NIC with these static addresses right now. It refuses a
 * gateway (even on-link) on a NIC without an address of that family, so routes of a DHCP-only family
 * wait for the lease and the DHCP client sets them. IPv6 link-local gateways always work.
 */
export function routableNow(r: Route, addresses: StaticAddresses): boolean {
  if (addresses.some((a) => a.family === r.family)) return true;
  return r.family === 6 && isLinkLocal6(r.via);
}

/**
 * True when the gateway of `route` is not inside any static subnet of the NIC, so the route must be
 * marked on-link: the kernel refuses a gateway it cannot reach otherwise, and networkd warns and turns
 * GatewayOnLink on by itself. That includes routes on DHCP/SLAAC NICs, whose subnet is unknown until a
 * lease arrives. Link-local IPv6 gateways are reachable on any link and need no mark.
 */
export function needsOnLink(route: Route, addresses: StaticAddresses): boolean {
  if (!parseIp(route.via, route.family)) return false;
  if (route.family === 6 && isLinkLocal6(route.via)) return false;
  return !addresses.some((a) => a.family === route.family && inSubnet(route.via, a.cidr, a.family));
}
