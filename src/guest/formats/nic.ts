/**
 * The per-NIC view every renderer works from: one entry per link, with its networks, what it is a member
 * of, its VLAN children, and the DNS it should use. Keeps the format renderers free of graph lookups.
 *
 * @example
 *   for (const nic of nicViews(cfg)) console.log(nic.name, nic.addresses);
 */
import { OsnetError } from '../../lib/errors.ts';
import type { Link, Network, NetworkConfig, Route } from '../model/types.ts';

export interface NicView {
  link: Link;
  /** Guest NIC name (from resolveNames). */
  name: string;
  networks: Network[];
  /** Static addresses in CIDR form, input order. */
  addresses: { cidr: string; family: 4 | 6 }[];
  /** Every route of every network on this NIC, default routes included, with the policy metric. */
  routes: Route[];
  dhcp4: boolean;
  /** DHCPv6 wanted (ipv6_dhcp, ipv6_dhcpv6-stateful, ipv6_dhcpv6-stateless). */
  dhcp6: boolean;
  /** Only stateless DHCPv6 (information-request) is wanted. */
  dhcp6Stateless: boolean;
  /**
   * Router advertisements: true for SLAAC/DHCPv6 types; false when the NIC has networks but none that
   * needs RA (Neutron sends none then, and an RA client would hold the NIC "configuring" for ~13 s in
   * networkd); undefined for a NIC without networks (bond members, bare links).
   */
  acceptRa: boolean | undefined;
  /** Per-network DNS first, then the global servers (deduplicated). */
  dns: string[];
  search: string[];
  /**
   * The NIC's own networks' DNS servers and search domains only, for formats that keep the global ones
   * in one global place (networkd and netplan: systemd-resolved), so a change of the global list
   * rewrites no NIC's file.
   */
  networkDns: string[];
  networkSearch: string[];
  /** Name of the bond this NIC is a member of. */
  bondMaster?: string;
  /** Names of the bond members, for bonds. */
  bondMembers: string[];
  /** Names of VLANs whose parent is this NIC. */
  vlanChildren: string[];
  /** Name of the parent, for VLANs. */
  vlanParent?: string;
  /** Metric for routes learned by DHCP/RA, per family (route policy). */
  dynamicMetric: { 4?: number; 6?: number };
}

function linkName(link: Link): string {
  if (!link.name) {
    throw new OsnetError(
      'OSNET_ERR_INTERNAL',
      `link ${link.id} has no NIC name: run resolveNames before rendering`,
      {
        field: `links[${link.id}].name`,
      },
    );
  }
  return link.name;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** A DNS name (RFC 1123 labels, optional final dot); underscores allowed as resolvers accept them. */
const DOMAIN_RE =
  /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Search domains go verbatim into every format (keyfile lists, ifupdown options, ifcfg values), so one
 * with a space, `;` or a newline could split or inject a line. Refuse anything that is not a DNS name.
 */
function checkSearch(cfg: NetworkConfig): void {
  const bad = (field: string, d: string): never => {
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `${field}: search domain ${JSON.stringify(d)} is not a DNS name`,
      {
        field,
      },
    );
  };
  for (const d of cfg.search ?? []) if (!DOMAIN_RE.test(d)) bad('$.services[].search', d);
  for (const n of cfg.networks)
    for (const d of n.search) if (!DOMAIN_RE.test(d)) bad(`networks[${n.id}].dns_search`, d);
}

/** Builds the per-NIC views of a resolved config, in link order. Throws on an unsafe search domain. */
export function nicViews(cfg: NetworkConfig): NicView[] {
  checkSearch(cfg);
  const byId = new Map(cfg.links.map((l) => [l.id, l]));
  const masterOf = new Map<string, string>();
  for (const l of cfg.links) if (l.kind === 'bond') for (const m of l.members) masterOf.set(m, linkName(l));
  return cfg.links.map((link) => {
    const networks = cfg.networks.filter((n) => n.link === link.id);
    const types = new Set(networks.map((n) => n.type));
    const dhcp6 =
      types.has('ipv6_dhcp') || types.has('ipv6_dhcpv6-stateful') || types.has('ipv6_dhcpv6-stateless');
    const dynamic6 = dhcp6 || types.has('ipv6_slaac');
    const master = masterOf.get(link.id);
    const parent = link.kind === 'vlan' ? byId.get(link.parent) : undefined;
    const dynamicMetric: { 4?: number; 6?: number } = {};
    for (const n of networks) {
      if (n.type !== 'ipv4' && n.type !== 'ipv6' && n.metric !== undefined)
        dynamicMetric[n.family] = n.metric;
    }
    return {
      link,
      name: linkName(link),
      networks,
      addresses: networks
        .filter((n) => n.address !== undefined && n.prefix !== undefined)
        .map((n) => ({ cidr: `${n.address}/${n.prefix}`, family: n.family })),
      routes: networks.flatMap((n) => n.routes),
      dhcp4: types.has('ipv4_dhcp'),
      dhcp6,
      dhcp6Stateless:
        types.has('ipv6_dhcpv6-stateless') && !types.has('ipv6_dhcpv6-stateful') && !types.has('ipv6_dhcp'),
      acceptRa: dynamic6 ? true : networks.length > 0 ? false : undefined,
      dns: networks.length > 0 ? unique([...networks.flatMap((n) => n.dns), ...cfg.dns]) : [],
      networkDns: unique(networks.flatMap((n) => n.dns)),
      networkSearch: unique(networks.flatMap((n) => n.search)),
      search:
        networks.length > 0 ? unique([...networks.flatMap((n) => n.search), ...(cfg.search ?? [])]) : [],
      ...(master ? { bondMaster: master } : {}),
      bondMembers: link.kind === 'bond' ? link.members.map((m) => linkName(byId.get(m) as Link)) : [],
      vlanChildren: cfg.links.filter((l) => l.kind === 'vlan' && l.parent === link.id).map(linkName),
      ...(parent ? { vlanParent: linkName(parent) } : {}),
      dynamicMetric,
    };
  });
}

/** A file-name-safe form of a NIC name (ifupdown's source-directory skips names with dots). */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
