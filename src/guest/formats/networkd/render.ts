/**
 * systemd-networkd renderer: `/etc/systemd/network/50-osnet-<nic>.network` per NIC, and a `.netdev` per
 * bond and VLAN (networkd creates virtual devices only from .netdev files; cloud-init 22.4.2 writes none).
 * NICs are matched by name: names come from the MAC lookup already, and a VLAN or bond shares its
 * parent's MAC, so a MACAddress= match would also catch them.
 *
 * @example
 *   renderNetworkd(cfg).map((f) => f.path); // ['/etc/systemd/network/50-osnet-eth0.network', ...]
 */

import { needsOnLink } from '../../model/routes.ts';
import type { NetworkConfig } from '../../model/types.ts';
import { type NicView, nicViews } from '../nic.ts';
import { resolvedDropIn } from '../resolved.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';

type Section = [name: string, entries: [key: string, value: string | number][]];

function ini(header: string, sections: Section[]): string {
  const body = sections
    .filter(([, entries]) => entries.length > 0)
    .map(([name, entries]) => `[${name}]\n${entries.map(([k, v]) => `${k}=${v}`).join('\n')}\n`)
    .join('\n');
  return `# ${header}\n${body}`;
}

function dhcpValue(nic: NicView): string {
  if (nic.dhcp4 && nic.dhcp6 && !nic.dhcp6Stateless) return 'yes';
  if (nic.dhcp4) return 'ipv4';
  // Stateless DHCPv6 is started by the router advertisement's O flag; DHCP=ipv6 would ask for an address.
  if (nic.dhcp6 && !nic.dhcp6Stateless) return 'ipv6';
  return 'no';
}

function networkFile(nic: NicView): Section[] {
  const match: Section = ['Match', [['Name', nic.name]]];
  const link: Section = ['Link', nic.link.mtu !== undefined ? [['MTUBytes', nic.link.mtu]] : []];
  if (nic.bondMaster) return [match, link, ['Network', [['Bond', nic.bondMaster]]]];
  const net: [string, string | number][] = [['DHCP', dhcpValue(nic)]];
  if (nic.acceptRa !== undefined) net.push(['IPv6AcceptRA', nic.acceptRa ? 'yes' : 'no']);
  for (const a of nic.addresses) net.push(['Address', a.cidr]);
  for (const d of nic.networkDns) net.push(['DNS', d]);
  if (nic.networkSearch.length > 0) net.push(['Domains', nic.networkSearch.join(' ')]);
  for (const v of nic.vlanChildren) net.push(['VLAN', v]);
  const sections: Section[] = [match, link, ['Network', net]];
  for (const r of nic.routes) {
    const entries: [string, string | number][] = [
      ['Destination', r.to],
      ['Gateway', r.via],
    ];
    if (needsOnLink(r, nic.addresses)) entries.push(['GatewayOnLink', 'yes']);
    if (r.metric !== undefined) entries.push(['Metric', r.metric]);
    sections.push(['Route', entries]);
  }
  if (nic.dhcp4 && nic.dynamicMetric[4] !== undefined)
    sections.push(['DHCPv4', [['RouteMetric', nic.dynamicMetric[4]]]]);
  if (nic.acceptRa && nic.dynamicMetric[6] !== undefined) {
    sections.push(['IPv6AcceptRA', [['RouteMetric', nic.dynamicMetric[6]]]]);
  }
  if (nic.dhcp6 && nic.dynamicMetric[6] !== undefined)
    sections.push(['DHCPv6', [['RouteMetric', nic.dynamicMetric[6]]]]);
  return sections;
}

function netdevFile(nic: NicView): Section[] | undefined {
  const { link } = nic;
  if (link.kind === 'physical') return undefined;
  const netdev: [string, string | number][] = [
    ['Name', nic.name],
    ['Kind', link.kind],
  ];
  if (link.mac) netdev.push(['MACAddress', link.mac]);
  if (link.mtu !== undefined) netdev.push(['MTUBytes', link.mtu]);
  if (link.kind === 'vlan')
    return [
      ['NetDev', netdev],
      ['VLAN', [['Id', link.vlanId]]],
    ];
  const bond: [string, string | number][] = [['Mode', link.mode]];
  if (link.miimon !== undefined) bond.push(['MIIMonitorSec', `${link.miimon}ms`]);
  if (link.hashPolicy !== undefined) bond.push(['TransmitHashPolicy', link.hashPolicy]);
  return [
    ['NetDev', netdev],
    ['Bond', bond],
  ];
}

/**
 * Renders .network files (and .netdev for bonds and VLANs), one set per NIC, each with its own networks'
 * DNS; the global DNS goes to systemd-resolved (resolved.ts).
 */
export function renderNetworkd(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const header = opts.header ?? DEFAULT_HEADER;
  const global = resolvedDropIn(cfg, opts);
  return nicViews(cfg)
    .flatMap((nic) => {
      const base = `/etc/systemd/network/50-osnet-${nic.name}`;
      const out: RenderedFile[] = [];
      const netdev = netdevFile(nic);
      if (netdev) out.push({ path: `${base}.netdev`, content: ini(header, netdev), nic: nic.name });
      out.push({ path: `${base}.network`, content: ini(header, networkFile(nic)), nic: nic.name });
      return out;
    })
    .concat(global ? [global] : []);
}
