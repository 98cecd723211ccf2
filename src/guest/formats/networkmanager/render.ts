/**
 * NetworkManager keyfile renderer: `/etc/NetworkManager/system-connections/osnet-<nic>.nmconnection` per
 * NIC, mode 0600 (NM ignores keyfiles others can read). A default route on a DHCP connection is written as
 * a 0.0.0.0/0 route, not `gateway=`: NM rejects a gateway on a connection without static addresses (one of
 * cloud-init's failures). The connection UUID is derived from the NIC name so re-rendering is stable.
 *
 * @example
 *   renderNetworkManager(cfg)[0]?.path; // '/etc/NetworkManager/system-connections/osnet-eth0.nmconnection'
 */
import { createHash } from 'node:crypto';
import { isDefaultRoute, needsOnLink } from '../../model/routes.ts';
import type { NetworkConfig, Route } from '../../model/types.ts';
import { type NicView, nicViews } from '../nic.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';

type Entries = [string, string | number][];

/** A name-based (v5-style) UUID, so the same NIC keeps the same connection across renders. */
export function connectionUuid(name: string): string {
  const h = createHash('sha1').update(`osnet-guest:${name}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** NM's keyfile lists end every item with `;`. */
function list(items: string[]): string {
  return items.map((i) => `${i};`).join('');
}

/** What the kernel gives a route added without a metric, as every other format leaves it. */
const KERNEL_METRIC = { 4: 0, 6: 1024 } as const;

function routeEntries(nic: NicView, family: 4 | 6, useGatewayKey: boolean, routeMetric: boolean): Entries {
  const out: Entries = [];
  let n = 1;
  for (const r of nic.routes.filter((x: Route) => x.family === family)) {
    if (useGatewayKey && isDefaultRoute(r)) continue;
    // NM gives `route-metric` to every route without its own metric, not only to the default route.
    const metric = r.metric ?? (routeMetric ? KERNEL_METRIC[family] : undefined);
    const value = `${r.to},${r.via}${metric !== undefined ? `,${metric}` : ''}`;
    out.push([`route${n}`, value]);
    if (needsOnLink(r, nic.addresses)) out.push([`route${n}_options`, 'onlink=true']);
    n++;
  }
  return out;
}

/** The family whose section carries the search domains: IPv4 when the NIC has IPv4 at all. */
function searchFamily(nic: NicView): 4 | 6 {
  return nic.dhcp4 || nic.addresses.some((a) => a.family === 4) ? 4 : 6;
}

function ipSection(nic: NicView, family: 4 | 6): Entries {
  const addrs = nic.addresses.filter((a) => a.family === family);
  const dynamic = family === 4 ? nic.dhcp4 : nic.dhcp6 || nic.acceptRa === true;
  const e: Entries = [];
  if (family === 4) e.push(['method', dynamic ? 'auto' : addrs.length > 0 ? 'manual' : 'disabled']);
  else {
    // link-local: IPv6 stays up for the link but without an RA client, as acceptRa=false says.
    const none = nic.acceptRa === false ? 'link-local' : 'ignore';
    e.push(['method', dynamic ? 'auto' : addrs.length > 0 ? 'manual' : none]);
  }
  const def = nic.routes.find((r) => r.family === family && isDefaultRoute(r));
  // A gateway is only valid with static addresses and cannot be marked on-link; otherwise a 0/0 route.
  // NM's own keyfile writer puts it after the first address, so that is the form written here.
  const useGatewayKey = !dynamic && addrs.length > 0 && def !== undefined && !needsOnLink(def, nic.addresses);
  addrs.forEach((a, i) => {
    e.push([`address${i + 1}`, i === 0 && useGatewayKey && def ? `${a.cidr},${def.via}` : a.cidr]);
  });
  const metric = def?.metric ?? nic.dynamicMetric[family];
  if (metric !== undefined) e.push(['route-metric', metric]);
  e.push(...routeEntries(nic, family, useGatewayKey, metric !== undefined));
  const enabled = dynamic || addrs.length > 0;
  // NM takes servers per family and none on a disabled family: a v4 server on a v6-only NIC is left out.
  const dns = enabled ? nic.dns.filter((d) => (family === 6) === d.includes(':')) : [];
  if (dns.length > 0) e.push(['dns', list(dns)]);
  if (enabled && nic.search.length > 0 && searchFamily(nic) === family)
    e.push(['dns-search', list(nic.search)]);
  if (dynamic && dns.length > 0) e.push(['ignore-auto-dns', 'true']);
  return e;
}

function sections(nic: NicView): [string, Entries][] {
  const { link } = nic;
  const type = link.kind === 'physical' ? 'ethernet' : link.kind;
  const conn: Entries = [
    ['id', `osnet-${nic.name}`],
    ['uuid', connectionUuid(nic.name)],
    ['type', type],
    ['interface-name', nic.name],
    ['autoconnect', 'true'],
  ];
  if (nic.bondMaster) conn.push(['master', nic.bondMaster], ['slave-type', 'bond']);
  const out: [string, Entries][] = [['connection', conn]];
  const eth: Entries = [];
  if (link.kind === 'physical') eth.push(['mac-address', link.mac.toUpperCase()]);
  if (link.kind !== 'physical' && link.mac) eth.push(['cloned-mac-address', link.mac.toUpperCase()]);
  if (link.mtu !== undefined) eth.push(['mtu', link.mtu]);
  out.push(['ethernet', eth]);
  if (link.kind === 'bond') {
    const bond: Entries = [['mode', link.mode]];
    if (link.miimon !== undefined) bond.push(['miimon', link.miimon]);
    if (link.hashPolicy !== undefined) bond.push(['xmit_hash_policy', link.hashPolicy]);
    out.push(['bond', bond]);
  }
  if (link.kind === 'vlan') {
    out.push([
      'vlan',
      [
        ['id', link.vlanId],
        ['parent', nic.vlanParent ?? ''],
      ],
    ]);
  }
  if (!nic.bondMaster) {
    out.push(['ipv4', ipSection(nic, 4)], ['ipv6', ipSection(nic, 6)]);
  }
  return out;
}

function keyfile(nic: NicView, header: string): string {
  const body = sections(nic)
    .filter(([, e]) => e.length > 0)
    .map(([name, e]) => `[${name}]\n${e.map(([k, v]) => `${k}=${v}`).join('\n')}\n`)
    .join('\n');
  return `# ${header}\n${body}`;
}

/** Renders NetworkManager keyfiles, one connection per NIC. */
export function renderNetworkManager(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const header = opts.header ?? DEFAULT_HEADER;
  return nicViews(cfg).map((nic) => ({
    path: `/etc/NetworkManager/system-connections/osnet-${nic.name}.nmconnection`,
    content: keyfile(nic, header),
    mode: 0o600,
    nic: nic.name,
  }));
}
