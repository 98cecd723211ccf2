/**
 * The `ip` format's one view of what each NIC should look like, shared by the script renderer
 * (render.ts) and the live apply (apply.ts): NICs in an order that works from scratch (physical NICs,
 * then bonds, then VLANs, so a device exists before anything names it), the virtual link to create, the
 * routes the kernel takes now with their on-link mark, and the routes that wait for a DHCP lease.
 * `targetsFromConfig` is the same in the form apply compares with the live state and keeps in its state
 * file (kernel metrics filled in, canonical text).
 *
 * @example
 *   ipNics(cfg)[0]?.routes; // [{ route: { to: '0.0.0.0/0', via: '10.0.0.1', ... }, onlink: false }]
 *   targetsFromConfig(cfg).get('eth0'); // { name: 'eth0', addrs: ['10.0.0.5/24'], routes: [...], ... }
 */
import { needsOnLink, routableNow } from '../../model/routes.ts';
import type { NetworkConfig, Route } from '../../model/types.ts';
import { type NicView, nicViews } from '../nic.ts';

/** A virtual link to create when it is missing. */
export type CreateSpec =
  | { type: 'vlan'; parent: string; vlanId: number }
  | { type: 'bond'; mode: string; miimon?: number; hashPolicy?: string };

export interface IpNic {
  nic: NicView;
  create?: CreateSpec;
  /** Routes the kernel takes now; `onlink` where the gateway is outside every static subnet. */
  routes: { route: Route; onlink: boolean }[];
  /** Routes of a family the NIC only gets by DHCP/RA: the DHCP client sets them once it has a lease. */
  deferred: Route[];
}

function createSpec(nic: NicView): CreateSpec | undefined {
  const { link } = nic;
  if (link.kind === 'bond') {
    const c: CreateSpec = { type: 'bond', mode: link.mode };
    if (link.miimon !== undefined) c.miimon = link.miimon;
    if (link.hashPolicy !== undefined) c.hashPolicy = link.hashPolicy;
    return c;
  }
  if (link.kind === 'vlan' && nic.vlanParent)
    return { type: 'vlan', parent: nic.vlanParent, vlanId: link.vlanId };
  return undefined;
}

/** Every NIC of a named config (resolveNames done) in `ip` terms, in a working order. */
export function ipNics(cfg: NetworkConfig): IpNic[] {
  const rank = { physical: 0, bond: 1, vlan: 2 } as const;
  const ordered = [...nicViews(cfg)].sort((a, b) => rank[a.link.kind] - rank[b.link.kind]);
  return ordered.map((nic) => {
    const p: IpNic = { nic, routes: [], deferred: [] };
    const create = createSpec(nic);
    if (create) p.create = create;
    for (const route of nic.routes) {
      if (routableNow(route, nic.addresses))
        p.routes.push({ route, onlink: needsOnLink(route, nic.addresses) });
      else p.deferred.push(route);
    }
    return p;
  });
}

/** The `ip` arguments (without `ip`) that create the link `name`. */
export function createArgs(name: string, c: CreateSpec): string[] {
  if (c.type === 'vlan')
    return ['link', 'add', 'link', c.parent, 'name', name, 'type', 'vlan', 'id', String(c.vlanId)];
  return [
    'link',
    'add',
    name,
    'type',
    'bond',
    'mode',
    c.mode,
    ...(c.miimon !== undefined ? ['miimon', String(c.miimon)] : []),
    ...(c.hashPolicy !== undefined ? ['xmit_hash_policy', c.hashPolicy] : []),
  ];
}

export interface IpRoute {
  /** CIDR destination, canonical. */
  to: string;
  via?: string;
  family: 4 | 6;
  /** Kernel metric (IPv4 default 0, IPv6 default 1024 when not given). */
  metric: number;
  onlink?: boolean;
}

/** What one NIC should look like, as apply compares it with the live state. */
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
  /** Virtual link to create when missing. */
  create?: CreateSpec;
  /** Bond this NIC is enslaved to. */
  master?: string;
}

/** Identity of a route for comparing planned and live routes. */
export function routeKey(r: IpRoute): string {
  return `${r.to} ${r.via ?? '-'} ${r.metric}`;
}

function kernelRoute(r: Route): IpRoute {
  return { to: r.to, via: r.via, family: r.family, metric: r.metric ?? (r.family === 6 ? 1024 : 0) };
}

/** The per-NIC targets of a named config (resolveNames must have run). */
export function targetsFromConfig(cfg: NetworkConfig): Map<string, NicTarget> {
  const out = new Map<string, NicTarget>();
  for (const p of ipNics(cfg)) {
    const { nic } = p;
    const t: NicTarget = {
      name: nic.name,
      addrs: nic.addresses.map((a) => a.cidr),
      routes: [],
      dynamic: nic.networks.some((n) => n.address === undefined || n.prefix === undefined),
      deferred: p.deferred.map(kernelRoute),
    };
    if (nic.link.mtu !== undefined) t.mtu = nic.link.mtu;
    if (p.create) t.create = p.create;
    if (nic.bondMaster !== undefined) t.master = nic.bondMaster;
    for (const { route, onlink } of p.routes) {
      const r = kernelRoute(route);
      if (onlink) r.onlink = true;
      if (!t.routes.some((x) => routeKey(x) === routeKey(r))) t.routes.push(r);
    }
    out.set(t.name, t);
  }
  return out;
}
