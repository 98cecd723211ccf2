/**
 * The subnet as Neutron returns it.
 *
 * @example
 *   const pools = subnet.allocation_pools; // [{ start: '10.0.0.2', end: '10.0.0.254' }]
 */
import type { StandardAttrs } from '../shared/types.ts';

export interface AllocationPool {
  start: string;
  end: string;
}

export interface HostRoute {
  destination: string;
  nexthop: string;
}

export type Ipv6Mode = 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless';

/** A Neutron subnet. @example const s: Subnet = await subnets.get(net, id); */
export interface Subnet extends StandardAttrs {
  name: string;
  network_id: string;
  cidr: string;
  ip_version: 4 | 6;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  dns_nameservers: string[];
  allocation_pools: AllocationPool[];
  host_routes: HostRoute[];
  ipv6_ra_mode: Ipv6Mode | null;
  ipv6_address_mode: Ipv6Mode | null;
  subnetpool_id: string | null;
  segment_id: string | null;
  service_types: string[];
  dns_publish_fixed_ip?: boolean;
}
