/**
 * What each NIC should look like in `ip` terms (MTU, static addresses, routes with their kernel metric and
 * on-link mark, the virtual link to create, the bond it joins), from a named config. apply.ts diffs the
 * live state against it; the state file keeps the last one applied.
 *
 * @example
 *   targetsFromConfig(cfg).get('eth0'); // { name: 'eth0', addrs: ['10.0.0.5/24'], routes: [...], ... }
 */
import { OsnetError } from '../../../lib/errors.ts';
import { parseIp, prefixMask } from '../../model/ip.ts';
import type { Link, NetworkConfig } from '../../model/types.ts';

export interface IpRoute {
  /** CIDR destination, canonical. */
  to: string;
  via?: string;
  family: 4 | 6;
  /** Kernel metric (IPv4 default 0, IPv6 default 1024 when not given). */
  metric: number;
  onlink?: boolean;
}

/** What one NIC should look like. */
export interface NicTarget {
  name: string;
  mtu?: number;
  /** Static addresses, canonical `addr/prefix`. */
  addrs: string[];
  routes: IpRoute[];
  /** The NIC wants DHCP or RA: its dynamic addresses and routes come from elsewhere. */
  dynamic: boolean;
  /** Routes that need an address of their family first (DHCP-only families); not applied by ip. */
  deferred: IpRoute[];
  /** Virtual links to create when missing. */
  create?:
    | { type: 'vlan'; parent: string; vlanId: number }
    | { type: 'bond'; mode: string; miimon?: number; hashPolicy?: string };
  /** Bond this NIC is enslaved to. */
  master?: string;
}

export function canonCidr(addr: string, prefix: number, family: 4 | 6): string {
  return `${parseIp(addr, family)?.text ?? addr}/${prefix}`;
}

export function routeKey(r: IpRoute): string {
  return `${r.to} ${r.via ?? '-'} ${r.metric}`;
}

/** True when `via` lies inside one of the static subnets (otherwise the route must be on-link). */
function reachable(via: string, family: 4 | 6, addrs: string[]): boolean {
  const gw = parseIp(via, family);
  if (!gw) return true;
  if (family === 6 && gw.value >> 118n === 0x3fan) return true; // fe80::/10 is on every link
  return addrs.some((a) => {
    const [ip, len] = a.split('/') as [string, string];
    const net = parseIp(ip, family);
    if (!net) return false;
    const mask = prefixMask(Number(len), family);
    return (net.value & mask) === (gw.value & mask);
  });
}

/** The per-NIC targets of a named config (resolveNames must have run). */
export function targetsFromConfig(cfg: NetworkConfig): Map<string, NicTarget> {
  const byId = new Map(cfg.links.map((l) => [l.id, l]));
  const nameOf = (l: Link): string => {
    if (!l.name) throw new OsnetError('OSNET_ERR_INTERNAL', `link ${l.id} has no name: resolveNames first`);
    return l.name;
  };
  const order = { physical: 0, bond: 1, vlan: 2 } as const;
  const links = [...cfg.links].sort((a, b) => order[a.kind] - order[b.kind]);
  const out = new Map<string, NicTarget>();
  for (const l of links) {
    const t: NicTarget = { name: nameOf(l), addrs: [], routes: [], dynamic: false, deferred: [] };
    if (l.mtu !== undefined) t.mtu = l.mtu;
    if (l.kind === 'vlan') t.create = { type: 'vlan', parent: nameOf(byId.get(l.parent)!), vlanId: l.vlanId };
    if (l.kind === 'bond') {
      t.create = { type: 'bond', mode: l.mode };
      if (l.miimon !== undefined) t.create.miimon = l.miimon;
      if (l.hashPolicy !== undefined) t.create.hashPolicy = l.hashPolicy;
    }
    out.set(t.name, t);
  }
  for (const l of cfg.links) {
    if (l.kind !== 'bond') continue;
    for (const m of l.members) {
      const member = out.get(nameOf(byId.get(m)!));
      if (member) member.master = nameOf(l);
    }
  }
  for (const n of cfg.networks) {
    const t = out.get(nameOf(byId.get(n.link)!))!;
    if (n.address !== undefined && n.prefix !== undefined)
      t.addrs.push(canonCidr(n.address, n.prefix, n.family));
    else t.dynamic = true;
  }
  for (const n of cfg.networks) {
    const t = out.get(nameOf(byId.get(n.link)!))!;
    for (const r of n.routes) {
      const route: IpRoute = {
        to: r.to,
        via: r.via,
        family: r.family,
        metric: r.metric ?? (r.family === 6 ? 1024 : 0),
      };
      const linkLocal = r.family === 6 && (parseIp(r.via, 6)?.value ?? 0n) >> 118n === 0x3fan;
      const hasStatic = t.addrs.some((a) => a.includes(':') === (r.family === 6));
      if (!hasStatic && !linkLocal) {
        // The kernel refuses a gateway on a link with no address of its family, even on-link: such
        // routes wait for the DHCP client (the ip format runs none).
        t.deferred.push(route);
        continue;
      }
      // A gateway outside every static subnet is still on this link (Nova says so): on-link.
      if (!reachable(r.via, r.family, t.addrs)) route.onlink = true;
      if (!t.routes.some((x) => routeKey(x) === routeKey(route))) t.routes.push(route);
    }
  }
  return out;
}

export function createArgs(t: NicTarget): string[] {
  const c = t.create!;
  if (c.type === 'vlan')
    return ['link', 'add', 'link', c.parent, 'name', t.name, 'type', 'vlan', 'id', String(c.vlanId)];
  return [
    'link',
    'add',
    t.name,
    'type',
    'bond',
    'mode',
    c.mode,
    ...(c.miimon !== undefined ? ['miimon', String(c.miimon)] : []),
    ...(c.hashPolicy !== undefined ? ['xmit_hash_policy', c.hashPolicy] : []),
  ];
}
