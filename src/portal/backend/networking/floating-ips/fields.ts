/**
 * A Neutron floating IP as the portal shows it (Waldur's FloatingIP serializer: `address`,
 * `backend_network_id`, `runtime_state`, and `port`, a backend id here that the engine links). Waldur names a
 * floating IP by its address.
 *
 * @example
 *   const record = floatingIpRecord(await floatingIps.get(net, id));
 */
import type { FloatingIp } from '../../../../openstack/networking/v2/floating-ips/results.ts';
import type { BackendRecord } from '../../contract.ts';
import { markerOf } from '../shared/marker.ts';

export function floatingIpRecord(f: FloatingIp): BackendRecord {
  return {
    backend_id: f.id,
    name: f.floating_ip_address,
    description: f.description ?? '',
    runtime_state: f.status,
    marker: markerOf(f.tags),
    fields: {
      address: f.floating_ip_address,
      backend_network_id: f.floating_network_id,
      port_backend_id: f.port_id,
      fixed_ip_address: f.fixed_ip_address,
    },
  };
}
