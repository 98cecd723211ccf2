/**
 * The router as Neutron returns it, and the answer of an interface add/remove.
 *
 * @example
 *   const ext = router.external_gateway_info?.network_id;
 */
import type { StandardAttrs } from '../shared/types.ts';

export interface ExternalFixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface GatewayInfo {
  network_id: string;
  enable_snat?: boolean;
  external_fixed_ips?: ExternalFixedIp[];
}

/** A static route of the router (extraroute extension). */
export interface Route {
  destination: string;
  nexthop: string;
}

/** A Neutron router. @example const r: Router = await routers.get(net, id); */
export interface Router extends StandardAttrs {
  name: string;
  /** ACTIVE, DOWN, ... */
  status: string;
  admin_state_up: boolean;
  external_gateway_info: GatewayInfo | null;
  routes: Route[];
  /** Admin only. */
  distributed?: boolean;
  /** Admin only. */
  ha?: boolean;
  availability_zones?: string[];
  availability_zone_hints?: string[];
  flavor_id?: string | null;
}

/** What add/remove_router_interface answers. */
export interface RouterInterface {
  id: string;
  subnet_id: string;
  subnet_ids: string[];
  port_id: string;
  network_id: string;
  project_id: string;
  tenant_id: string;
  tags?: string[];
}
