/**
 * A Neutron network as the portal shows it, with Waldur's field names (waldur_openstack serializers:
 * `type`, `segmentation_id`, `is_external`, `mtu`, `subnets`).
 *
 * @example
 *   const record = networkRecord(await networks.get(net, id));
 */
import type { Network } from '../../../../openstack/networking/v2/networks/results.ts';
import type { BackendRecord } from '../../contract.ts';
import { markerOf } from '../shared/marker.ts';

export function networkRecord(n: Network): BackendRecord {
  return {
    backend_id: n.id,
    name: n.name,
    description: n.description ?? '',
    runtime_state: n.status,
    marker: markerOf(n.tags),
    fields: {
      type: n['provider:network_type'] ?? '',
      segmentation_id: n['provider:segmentation_id'] ?? null,
      is_external: n['router:external'] ?? false,
      mtu: n.mtu ?? null,
      // the network answer carries only subnet ids: the engine joins them to the subnet resources it has
      subnets: [...n.subnets].sort().map((id) => ({ backend_id: id })),
    },
  };
}
