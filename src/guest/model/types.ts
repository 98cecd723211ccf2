/**
 * The validated, normalised form of OpenStack's network_data.json (Nova's "network_data" spec).
 * `parse` (src/guest/model/parse.ts) turns raw JSON into this; every renderer and the apply path read only this.
 * NIC names are not in network_data.json: `resolveNames` fills `Link.name` from the live system by MAC
 * (or a --mac-map), never from link order.
 */

/** Every link type Nova emits for a physical-like NIC (all rendered as one ethernet NIC matched by MAC). */
export const PHYSICAL_LINK_TYPES = [
  'phy',
  'ethernet',
  'bridge',
  'ovs',
  'tap',
  'vif',
  'hw_veb',
  'hyperv',
  'vhostuser',
  'dvs',
  'vrouter',
  'macvtap',
  'other',
  // Added after the first cut: further Nova VIF types, cloud-init's extras, and the "physical" some samples use.
  'physical',
  'bgpovs',
  'cascading',
  '802.qbg',
  '802.qbh',
  'ib_hostdev',
  'hostdev_physical',
  'midonet',
  'agilio_ovs',
  'vdpa',
] as const;
export type PhysicalLinkType = (typeof PHYSICAL_LINK_TYPES)[number];

/** Linux bonding mode names; OpenStack may send numbers 0-6, parse maps them to these. */
export const BOND_MODES = [
  'balance-rr',
  'active-backup',
  'balance-xor',
  'broadcast',
  '802.3ad',
  'balance-tlb',
  'balance-alb',
] as const;
export type BondMode = (typeof BOND_MODES)[number];

interface LinkBase {
  /** `links[].id` from the input. */
  id: string;
  /** Lower-case MAC (`ethernet_mac_address`); bonds and VLANs may inherit it. */
  mac?: string;
  mtu?: number;
  /** Guest NIC name, filled by resolveNames (physical: by MAC; bond/vlan: derived). */
  name?: string;
  /** Neutron port id (`vif_id`) when given. */
  vifId?: string;
  /** `links[].name` when the input carries one; resolveNames keeps it for bonds and VLANs only. */
  requestedName?: string;
}

export interface PhysicalLink extends LinkBase {
  kind: 'physical';
  /** The original `type` (phy, ovs, tap, ...). */
  type: PhysicalLinkType;
  mac: string;
}

export interface BondLink extends LinkBase {
  kind: 'bond';
  /** Link ids of the members (`bond_links`). */
  members: string[];
  mode: BondMode;
  miimon?: number;
  /** `bond_xmit_hash_policy`, e.g. layer2, layer3+4. */
  hashPolicy?: string;
}

export interface VlanLink extends LinkBase {
  kind: 'vlan';
  /** Link id of the parent (`vlan_link`). */
  parent: string;
  vlanId: number;
}

export type Link = PhysicalLink | BondLink | VlanLink;

export const NETWORK_TYPES = [
  'ipv4',
  'ipv6',
  'ipv4_dhcp',
  'ipv6_dhcp',
  'ipv6_slaac',
  'ipv6_dhcpv6-stateful',
  'ipv6_dhcpv6-stateless',
] as const;
export type NetworkType = (typeof NETWORK_TYPES)[number];

export interface Route {
  /** Destination in CIDR form, e.g. `0.0.0.0/0`, `10.0.0.0/8`, `::/0`. */
  to: string;
  via: string;
  family: 4 | 6;
  /** Set on default routes by the route policy (src/guest/model/route-policy.ts); otherwise from the input. */
  metric?: number;
}

export interface Network {
  /** `networks[].id` from the input (e.g. network0). */
  id: string;
  /** Link id this network is on. */
  link: string;
  type: NetworkType;
  family: 4 | 6;
  /** Static types only: address without prefix, and the prefix length (from netmask or CIDR). */
  address?: string;
  prefix?: number;
  /** Default gateway of this network: the via of its default route, if any. */
  gateway?: string;
  /** Non-default routes and the default route, in input order. */
  routes: Route[];
  /** Per-network DNS servers (`networks[].services[type=dns]` and legacy `dns_nameservers`). */
  dns: string[];
  /** DNS search domains, when given. */
  search: string[];
  /** Neutron network id (`network_id`). */
  networkId?: string;
  /**
   * Metric for this network's default route, static or learned by DHCP/RA (route-policy.ts: first NIC in
   * link order 100, next 200, ...); undefined when the network carries no default route.
   */
  metric?: number;
}

export interface NetworkConfig {
  links: Link[];
  networks: Network[];
  /** Global DNS servers (top-level `services[type=dns]`). */
  dns: string[];
  /** Global DNS search domains (`services[type=dns].search`); parse always sets it. */
  search?: string[];
}
