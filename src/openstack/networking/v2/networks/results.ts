/**
 * The network as Neutron returns it (with the provider, external-net, mtu and port-security extensions).
 *
 * @example
 *   const mtu: number = network.mtu;
 */
import type { StandardAttrs } from '../shared/types.ts';

/** A Neutron network. @example const n: Network = await networks.get(net, id); */
export interface Network extends StandardAttrs {
  name: string;
  /** ACTIVE, DOWN, BUILD or ERROR. */
  status: string;
  admin_state_up: boolean;
  shared: boolean;
  /** Subnet ids. */
  subnets: string[];
  mtu: number;
  port_security_enabled: boolean;
  'router:external': boolean;
  /** Admin only: absent for ordinary users. */
  'provider:network_type'?: string;
  'provider:physical_network'?: string | null;
  'provider:segmentation_id'?: number | null;
  availability_zones: string[];
  availability_zone_hints: string[];
  ipv4_address_scope: string | null;
  ipv6_address_scope: string | null;
  qos_policy_id?: string | null;
  is_default?: boolean;
  l2_adjacency?: boolean;
  dns_domain?: string;
}
