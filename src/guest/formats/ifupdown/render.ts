/**
 * ifupdown renderer: `/etc/network/interfaces.d/50-osnet-<nic>` per NIC (dots in the NIC name become `_`
 * because `source-directory` skips file names with dots). One stanza per address family method; further
 * static addresses and the routes are `ip ... replace` hooks, so `ifup` twice is harmless. Bonds use
 * ifenslave's `bond-*` options, VLANs `vlan-raw-device` and their own `hwaddress`.
 *
 * @example
 *   renderIfupdown(cfg)[0]?.path; // '/etc/network/interfaces.d/50-osnet-eth0'
 */

import { needsOnLink } from '../../model/routes.ts';
import type { NetworkConfig } from '../../model/types.ts';
import { fileSafe, type NicView, nicViews } from '../nic.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';

type Stanza = { family: 'inet' | 'inet6'; method: string; options: [string, string | number][] };

function routeHooks(nic: NicView, family: 4 | 6): [string, string][] {
  const out: [string, string][] = [];
  for (const r of nic.routes.filter((x) => x.family === family)) {
    const base = `ip -${family} route replace ${r.to} via ${r.via} dev ${nic.name}`;
    const extra = `${r.metric !== undefined ? ` metric ${r.metric}` : ''}${needsOnLink(r, nic.addresses) ? ' onlink' : ''}`;
    out.push(['post-up', `${base}${extra}`]);
    out.push(['pre-down', `ip -${family} route del ${r.to} via ${r.via} dev ${nic.name}${extra} || true`]);
  }
  return out;
}

function linkOptions(nic: NicView): [string, string | number][] {
  const { link } = nic;
  const o: [string, string | number][] = [];
  if (link.kind === 'bond') {
    o.push(['bond-slaves', nic.bondMembers.join(' ')], ['bond-mode', link.mode]);
    if (link.miimon !== undefined) o.push(['bond-miimon', link.miimon]);
    if (link.hashPolicy !== undefined) o.push(['bond-xmit-hash-policy', link.hashPolicy]);
    if (link.mac) o.push(['hwaddress', `ether ${link.mac}`]);
  }
  if (link.kind === 'vlan' && nic.vlanParent) o.push(['vlan-raw-device', nic.vlanParent]);
  // A VLAN port has its own MAC in Neutron; port security and DHCP key on it, so it must not stay the parent's.
  if (link.kind === 'vlan' && link.mac) o.push(['hwaddress', `ether ${link.mac}`]);
  if (nic.bondMaster) o.push(['bond-master', nic.bondMaster]);
  // `mtu` is not an option of every method in ifupdown 0.8; a pre-up hook works for all of them.
  if (link.mtu !== undefined) o.push(['pre-up', `ip link set dev ${nic.name} mtu ${link.mtu}`]);
  return o;
}

function dnsOptions(nic: NicView): [string, string][] {
  const o: [string, string][] = [];
  if (nic.dns.length > 0) o.push(['dns-nameservers', nic.dns.join(' ')]);
  if (nic.search.length > 0) o.push(['dns-search', nic.search.join(' ')]);
  return o;
}

function familyStanza(nic: NicView, family: 4 | 6): Stanza | undefined {
  const inet = family === 4 ? 'inet' : 'inet6';
  const addrs = nic.addresses.filter((a) => a.family === family);
  const dynamic = family === 4 ? nic.dhcp4 : nic.dhcp6 || nic.acceptRa === true;
  if (!dynamic && addrs.length === 0) return undefined;
  const options: [string, string | number][] = [];
  let method: string;
  if (family === 4 && nic.dhcp4) {
    method = 'dhcp';
    if (nic.dynamicMetric[4] !== undefined) options.push(['metric', nic.dynamicMetric[4]]);
  } else if (family === 6 && dynamic) {
    // auto = SLAAC; `dhcp 1` adds stateless DHCPv6. Stateful DHCPv6 is the dhcp method (RA still accepted).
    method = nic.dhcp6 && !nic.dhcp6Stateless ? 'dhcp' : 'auto';
    if (method === 'auto' && nic.dhcp6Stateless) options.push(['dhcp', 1]);
    if (method === 'dhcp') options.push(['accept_ra', 2]);
  } else {
    method = 'static';
    if (family === 6) options.push(['accept_ra', 0]);
  }
  // The static method takes one address; the others (and any beside DHCP/SLAAC) are added by hooks.
  const hooked = method === 'static' ? addrs.slice(1) : addrs;
  if (method === 'static' && addrs[0]) options.unshift(['address', addrs[0].cidr]);
  for (const a of hooked) {
    options.push(['post-up', `ip -${family} addr replace ${a.cidr} dev ${nic.name}`]);
    options.push(['pre-down', `ip -${family} addr del ${a.cidr} dev ${nic.name} || true`]);
  }
  options.push(...routeHooks(nic, family));
  return { family: inet, method, options };
}

function stanzas(nic: NicView): Stanza[] {
  const out: Stanza[] = [];
  if (!nic.bondMaster) {
    for (const family of [4, 6] as const) {
      const s = familyStanza(nic, family);
      if (s) out.push(s);
    }
  }
  const head = linkOptions(nic);
  const dns = dnsOptions(nic);
  if (out.length === 0) {
    out.push({ family: 'inet', method: 'manual', options: [...head] });
    return out;
  }
  // Link-level options belong to the first stanza only: ifupdown would run the hooks once per stanza.
  out[0]?.options.unshift(...head);
  out[0]?.options.push(...dns);
  return out;
}

function render(nic: NicView, header: string): string {
  const lines = [`# ${header}`, `auto ${nic.name}`];
  for (const s of stanzas(nic)) {
    lines.push(`iface ${nic.name} ${s.family} ${s.method}`);
    for (const [k, v] of s.options) lines.push(`    ${k} ${v}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders interfaces.d snippets, one per NIC. */
export function renderIfupdown(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const header = opts.header ?? DEFAULT_HEADER;
  return nicViews(cfg).map((nic) => ({
    path: `/etc/network/interfaces.d/50-osnet-${fileSafe(nic.name)}`,
    content: render(nic, header),
    nic: nic.name,
  }));
}
