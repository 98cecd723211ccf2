/**
 * The floating IP as Neutron returns it.
 *
 * @example
 *   const bound = fip.port_id !== null;
 */
import type { StandardAttrs } from '../shared/types.ts';

/** A floating IP. @example const f: FloatingIp = await floatingIps.get(net, id); */
export interface FloatingIp extends StandardAttrs {
  floating_ip_address: string;
  floating_network_id: string;
  /** The internal port it maps to, null when unassociated. */
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  /** ACTIVE, DOWN or ERROR. */
  status: string;
  port_details?: Record<string, unknown> | null;
  port_forwardings?: unknown[];
  qos_policy_id?: string | null;
  dns_name?: string;
  dns_domain?: string;
}
