/**
 * The port as Neutron (ML2/OVN, Zed) returns it.
 *
 * @example
 *   const vif: string = port['binding:vif_type']; // 'ovs', 'unbound', 'binding_failed', ...
 */
import type { StandardAttrs } from '../shared/types.ts';

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface AllowedAddressPair {
  ip_address: string;
  mac_address: string;
}

export interface ExtraDhcpOpt {
  opt_name: string;
  opt_value: string;
  ip_version: number;
}

export type VnicType =
  | 'normal'
  | 'macvtap'
  | 'direct'
  | 'baremetal'
  | 'direct-physical'
  | 'virtio-forwarder'
  | 'smart-nic'
  | 'remote-managed'
  | 'vdpa';

/** JSON value of `binding:profile` and `binding:vif_details` (free-form dictionaries). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A Neutron port. @example const p: Port = await ports.get(net, id); */
export interface Port extends StandardAttrs {
  name: string;
  network_id: string;
  admin_state_up: boolean;
  /** ACTIVE, DOWN, BUILD or ERROR. */
  status: string;
  mac_address: string;
  fixed_ips: FixedIp[];
  device_id: string;
  device_owner: string;
  security_groups: string[];
  allowed_address_pairs: AllowedAddressPair[];
  port_security_enabled: boolean;
  extra_dhcp_opts: ExtraDhcpOpt[];
  'binding:vnic_type': VnicType;
  // The default policy shows these four to admins only: they are absent from ordinary users' answers.
  'binding:host_id'?: string;
  'binding:profile'?: Record<string, JsonValue>;
  /** 'unbound' until a host binds it, 'ovs' when bound, 'binding_failed' when no agent/chassis took it. */
  'binding:vif_type'?: string;
  'binding:vif_details'?: Record<string, JsonValue>;
  qos_policy_id?: string | null;
  qos_network_policy_id?: string | null;
  propagate_uplink_status?: boolean;
  ip_allocation?: string;
  dns_name?: string;
  dns_assignment?: { hostname: string; ip_address: string; fqdn: string }[];
  resource_request?: Record<string, JsonValue> | null;
}
