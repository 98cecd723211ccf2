/**
 * A Neutron subnet as the portal shows it (Waldur's names; `disable_gateway` is a subnet without gateway,
 * `is_connected` one a router has an interface on).
 *
 * @example
 *   const record = subnetRecord(await subnets.get(net, id), false);
 */
import type { Subnet } from '../../../../openstack/networking/v2/subnets/results.ts';
import type { BackendRecord } from '../../contract.ts';
import { markerOf } from '../shared/marker.ts';

/** `connected`: whether a router has an interface on it (Waldur's `is_connected`). */
export function subnetRecord(s: Subnet, connected: boolean): BackendRecord {
  return {
    backend_id: s.id,
    name: s.name,
    description: s.description ?? '',
    parent_backend_id: s.network_id,
    marker: markerOf(s.tags),
    fields: {
      network_backend_id: s.network_id,
      cidr: s.cidr,
      gateway_ip: s.gateway_ip,
      disable_gateway: s.gateway_ip === null,
      allocation_pools: s.allocation_pools.map((p) => ({ start: p.start, end: p.end })),
      ip_version: s.ip_version,
      enable_dhcp: s.enable_dhcp,
      dns_nameservers: [...s.dns_nameservers],
      host_routes: s.host_routes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
      is_connected: connected,
    },
  };
}
