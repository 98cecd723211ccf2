/**
 * A Neutron router as the portal shows it: Waldur's `routes` and `fixed_ips` (the router's addresses, link-
 * local ones skipped as Waldur does), plus `ports` (its interfaces) and `external_network_id`. The
 * interface ports come from one list for all routers of the tenant (Waldur lists each router's ports).
 *
 * @example
 *   const record = routerRecord(router, interfacePorts);
 */
import type { Port } from '../../../../openstack/networking/v2/ports/results.ts';
import type { Router } from '../../../../openstack/networking/v2/routers/results.ts';
import type { BackendRecord } from '../../contract.ts';
import { markerOf } from '../shared/marker.ts';

const linkLocal = (ip: string) => ip.startsWith('169.254.') || ip.toLowerCase().startsWith('fe80:');

export function routerRecord(r: Router, interfaces: readonly Port[]): BackendRecord {
  const mine = interfaces.filter((p) => p.device_id === r.id).sort((a, b) => a.id.localeCompare(b.id));
  const gatewayIps = (r.external_gateway_info?.external_fixed_ips ?? []).map((f) => f.ip_address);
  const interfaceIps = mine.flatMap((p) => p.fixed_ips.map((f) => f.ip_address));
  return {
    backend_id: r.id,
    name: r.name,
    description: r.description ?? '',
    runtime_state: r.status,
    marker: markerOf(r.tags),
    fields: {
      routes: (r.routes ?? []).map((x) => ({ destination: x.destination, nexthop: x.nexthop })),
      fixed_ips: [...interfaceIps, ...gatewayIps].filter((ip) => !linkLocal(ip)),
      ports: mine.map((p) => ({
        backend_id: p.id,
        network_backend_id: p.network_id,
        fixed_ips: p.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
      })),
      external_network_id: r.external_gateway_info?.network_id ?? null,
    },
  };
}
