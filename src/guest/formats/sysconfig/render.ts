/**
 * RHEL sysconfig renderer: `/etc/sysconfig/network-scripts/ifcfg-<nic>` per NIC, plus `route-<nic>` and
 * `route6-<nic>` (ip-command format) for the non-default routes. The default gateway goes in GATEWAY= /
 * IPV6_DEFAULTGW= when the NIC has a static address of that family, else as a `default via` route line;
 * its metric in IPV4_ROUTE_METRIC / IPV6_ROUTE_METRIC (NetworkManager's ifcfg-rh reads those).
 * Values are double-quoted when they contain anything but safe characters.
 *
 * @example
 *   renderSysconfig(cfg).map((f) => f.path); // ['/etc/sysconfig/network-scripts/ifcfg-eth0', ...]
 */

import { isDefaultRoute, needsOnLink } from '../../model/routes.ts';
import type { NetworkConfig, Route } from '../../model/types.ts';
import { type NicView, nicViews } from '../nic.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';

const DIR = '/etc/sysconfig/network-scripts';

/** Quotes a shell-style sysconfig value when needed (ifcfg files are sourced by initscripts). */
export function sysconfigValue(v: string | number): string {
  const s = String(v);
  if (/^[A-Za-z0-9_.:/@+-]+$/.test(s)) return s;
  return `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

function ifcfg(nic: NicView): [string, string | number][] {
  const { link } = nic;
  const e: [string, string | number][] = [['DEVICE', nic.name]];
  if (link.kind === 'physical') e.push(['HWADDR', link.mac], ['TYPE', 'Ethernet']);
  if (link.kind === 'bond') {
    e.push(['TYPE', 'Bond'], ['BONDING_MASTER', 'yes']);
    const opts = [`mode=${link.mode}`];
    if (link.miimon !== undefined) opts.push(`miimon=${link.miimon}`);
    if (link.hashPolicy !== undefined) opts.push(`xmit_hash_policy=${link.hashPolicy}`);
    e.push(['BONDING_OPTS', opts.join(' ')]);
    if (link.mac) e.push(['MACADDR', link.mac]);
  }
  if (link.kind === 'vlan') {
    e.push(['TYPE', 'Vlan'], ['VLAN', 'yes'], ['PHYSDEV', nic.vlanParent ?? ''], ['VLAN_ID', link.vlanId]);
  }
  e.push(['ONBOOT', 'yes'], ['NM_CONTROLLED', 'yes']);
  if (link.mtu !== undefined) e.push(['MTU', link.mtu]);
  if (nic.bondMaster) {
    e.push(['MASTER', nic.bondMaster], ['SLAVE', 'yes'], ['BOOTPROTO', 'none']);
    return e;
  }
  const v4 = nic.addresses.filter((a) => a.family === 4);
  const v6 = nic.addresses.filter((a) => a.family === 6);
  e.push(['BOOTPROTO', nic.dhcp4 ? 'dhcp' : 'none']);
  v4.forEach((a, i) => {
    const [addr, prefix] = a.cidr.split('/') as [string, string];
    const n = i === 0 ? '' : String(i);
    e.push([`IPADDR${n}`, addr], [`PREFIX${n}`, prefix]);
  });
  const def4 = defaultRoute(nic, 4);
  if (def4 && v4.length > 0 && !needsOnLink(def4, nic.addresses)) e.push(['GATEWAY', def4.via]);
  const metric4 = def4?.metric ?? nic.dynamicMetric[4];
  e.push(['DEFROUTE', def4 || nic.dhcp4 ? 'yes' : 'no']);
  if (metric4 !== undefined) e.push(['IPV4_ROUTE_METRIC', metric4]);
  const ipv6 = v6.length > 0 || nic.acceptRa === true;
  e.push(['IPV6INIT', ipv6 ? 'yes' : 'no']);
  if (ipv6) {
    e.push(['IPV6_AUTOCONF', nic.acceptRa ? 'yes' : 'no']);
    if (nic.dhcp6) e.push(['DHCPV6C', 'yes']);
    if (nic.dhcp6Stateless) e.push(['DHCPV6C_OPTIONS', '-S']);
    const [first, ...rest] = v6;
    if (first) e.push(['IPV6ADDR', first.cidr]);
    if (rest.length > 0) e.push(['IPV6ADDR_SECONDARIES', rest.map((a) => a.cidr).join(' ')]);
    const def6 = defaultRoute(nic, 6);
    if (def6 && v6.length > 0 && !needsOnLink(def6, nic.addresses))
      e.push(['IPV6_DEFAULTGW', `${def6.via}%${nic.name}`]);
    const metric6 = def6?.metric ?? nic.dynamicMetric[6];
    if (metric6 !== undefined) e.push(['IPV6_ROUTE_METRIC', metric6]);
  }
  nic.dns.forEach((d, i) => {
    e.push([`DNS${i + 1}`, d]);
  });
  if (nic.search.length > 0) e.push(['DOMAIN', nic.search.join(' ')]);
  if (nic.dns.length > 0) e.push(['PEERDNS', 'no']);
  return e;
}

function defaultRoute(nic: NicView, family: 4 | 6): Route | undefined {
  return nic.routes.find((r) => r.family === family && isDefaultRoute(r));
}

/** Route lines for route-<nic>/route6-<nic>: everything not expressed as GATEWAY/IPV6_DEFAULTGW. */
function routeLines(nic: NicView, family: 4 | 6): string[] {
  const hasStatic = nic.addresses.some((a) => a.family === family);
  return nic.routes
    .filter((r) => r.family === family)
    .filter((r) => !(isDefaultRoute(r) && hasStatic && !needsOnLink(r, nic.addresses)))
    .map((r) => {
      const to = isDefaultRoute(r) ? 'default' : r.to;
      const metric = r.metric !== undefined ? ` metric ${r.metric}` : '';
      return `${to} via ${r.via} dev ${nic.name}${metric}${needsOnLink(r, nic.addresses) ? ' onlink' : ''}`;
    });
}

/** Renders ifcfg/route/route6 files, grouped per NIC. */
export function renderSysconfig(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const header = `# ${opts.header ?? DEFAULT_HEADER}\n`;
  return nicViews(cfg).flatMap((nic) => {
    const body = ifcfg(nic)
      .map(([k, v]) => `${k}=${sysconfigValue(v)}`)
      .join('\n');
    const out: RenderedFile[] = [
      { path: `${DIR}/ifcfg-${nic.name}`, content: `${header}${body}\n`, nic: nic.name },
    ];
    if (!nic.bondMaster) {
      for (const [family, file] of [
        [4, 'route'],
        [6, 'route6'],
      ] as const) {
        const lines = routeLines(nic, family);
        if (lines.length > 0) {
          out.push({
            path: `${DIR}/${file}-${nic.name}`,
            content: `${header}${lines.join('\n')}\n`,
            nic: nic.name,
          });
        }
      }
    }
    return out;
  });
}
