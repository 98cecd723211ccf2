/**
 * netplan (v2 YAML) renderer: one `/etc/netplan/5x-osnet-<nic>.yaml` per NIC (50 NICs, 51 bonds, 52 VLANs), mode 0600 (netplan warns
 * about world-readable files). netplan merges all files, so a bond or VLAN may name a NIC defined in
 * another file. Bond modes are always names: netplan rejects the numeric modes OpenStack may send.
 *
 * @example
 *   renderNetplan(resolveNames(parse(json), macs)); // [{ path: '/etc/netplan/50-osnet-eth0.yaml', ... }]
 */
import { isDefaultRoute, needsOnLink } from '../../model/routes.ts';
import type { NetworkConfig } from '../../model/types.ts';
import { type NicView, nicViews } from '../nic.ts';
import { resolvedDropIn } from '../resolved.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';
import { writeYaml, type YamlValue } from './yaml-writer.ts';

type Yaml = { [key: string]: YamlValue | undefined };

function routes(nic: NicView): Yaml[] {
  return nic.routes.map((r) => ({
    to: isDefaultRoute(r) ? 'default' : r.to,
    via: r.via,
    ...(needsOnLink(r, nic.addresses) ? { 'on-link': true } : {}),
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
  }));
}

function device(nic: NicView): Yaml {
  const d: Yaml = {};
  const { link } = nic;
  if (link.kind === 'physical') {
    d.match = { macaddress: link.mac };
    d['set-name'] = nic.name;
  }
  if (link.kind === 'bond') {
    d.interfaces = nic.bondMembers;
    const params: Yaml = { mode: link.mode };
    if (link.miimon !== undefined) params['mii-monitor-interval'] = link.miimon;
    if (link.hashPolicy !== undefined) params['transmit-hash-policy'] = link.hashPolicy;
    d.parameters = params;
    if (link.mac) d.macaddress = link.mac;
  }
  if (link.kind === 'vlan') {
    d.id = link.vlanId;
    d.link = nic.vlanParent;
    if (link.mac) d.macaddress = link.mac;
  }
  if (link.mtu !== undefined) d.mtu = link.mtu;
  if (nic.bondMaster) return d;
  d.dhcp4 = nic.dhcp4;
  d.dhcp6 = nic.dhcp6;
  for (const family of [4, 6] as const) {
    if (!(family === 4 ? nic.dhcp4 : nic.dhcp6)) continue;
    const o: Yaml = {};
    if (nic.dynamicMetric[family] !== undefined) o['route-metric'] = nic.dynamicMetric[family];
    // The MTU from the metadata wins; without this networkd warns that it disables the DHCP MTU itself.
    if (link.mtu !== undefined) o['use-mtu'] = false;
    if (Object.keys(o).length > 0) d[`dhcp${family}-overrides`] = o;
  }
  if (nic.acceptRa !== undefined) d['accept-ra'] = nic.acceptRa;
  if (nic.addresses.length > 0) d.addresses = nic.addresses.map((a) => a.cidr);
  if (nic.routes.length > 0) d.routes = routes(nic);
  if (nic.networkDns.length > 0 || nic.networkSearch.length > 0) {
    d.nameservers = {
      ...(nic.networkDns.length > 0 ? { addresses: nic.networkDns } : {}),
      ...(nic.networkSearch.length > 0 ? { search: nic.networkSearch } : {}),
    };
  }
  return d;
}

const SECTION = { physical: 'ethernets', bond: 'bonds', vlan: 'vlans' } as const;
/** netplan reads files in name order and a bond or VLAN must come after the NICs it names. */
const ORDER = { physical: 50, bond: 51, vlan: 52 } as const;

/**
 * Renders netplan files, one per NIC, each with its own networks' DNS; netplan has no global DNS key, so
 * the global DNS goes to systemd-resolved (resolved.ts), which netplan's networkd hands DNS to anyway.
 */
export function renderNetplan(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const global = resolvedDropIn(cfg, opts);
  const files = nicViews(cfg).map((nic): RenderedFile => {
    const doc = { network: { version: 2, [SECTION[nic.link.kind]]: { [nic.name]: device(nic) } } };
    const body = writeYaml(doc);
    return {
      path: `/etc/netplan/${ORDER[nic.link.kind]}-osnet-${nic.name}.yaml`,
      content: `# ${opts.header ?? DEFAULT_HEADER}\n${body}`,
      mode: 0o600,
      nic: nic.name,
    };
  });
  return global ? [...files, global] : files;
}
