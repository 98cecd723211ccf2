/**
 * A Neutron port as the portal shows it (Waldur's Port serializer fields: `fixed_ips`, `mac_address`,
 * `allowed_address_pairs`, `security_groups`, `device_id`, `device_owner`, `port_security_enabled`). Security
 * groups and the network are backend ids here; the engine links them to the portal's resources.
 *
 * @example
 *   const record = portRecord(await ports.get(net, id));
 */
import type { Port } from '../../../../openstack/networking/v2/ports/results.ts';
import type { BackendRecord } from '../../contract.ts';
import { markerOf } from '../shared/marker.ts';

export function portRecord(p: Port): BackendRecord {
  return {
    backend_id: p.id,
    name: p.name,
    description: p.description ?? '',
    runtime_state: p.status,
    marker: markerOf(p.tags),
    fields: {
      network_backend_id: p.network_id,
      fixed_ips: p.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
      mac_address: p.mac_address,
      allowed_address_pairs: (p.allowed_address_pairs ?? []).map((a) => ({
        ip_address: a.ip_address,
        mac_address: a.mac_address,
      })),
      security_groups: [...(p.security_groups ?? [])].sort(),
      device_id: p.device_id,
      device_owner: p.device_owner,
      port_security_enabled: p.port_security_enabled ?? true,
      admin_state_up: p.admin_state_up,
    },
  };
}
