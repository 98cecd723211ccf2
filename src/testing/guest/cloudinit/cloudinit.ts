/**
 * Semantic comparison with Debian's cloud-init (22.4.2): the oracle script (cloudinit-oracle.py, run with
 * /usr/bin/python3) says what cloud-init makes of a network_data.json per link; this module reduces our
 * model and our renderings to the same per-NIC summary and lists the differences. Every difference that
 * is deliberate has a rule here and a line in docs/guest.md ("Differences from cloud-init"); the tests
 * require that no other difference exists.
 *
 * @example
 *   const ci = await cloudInitView(fixture.path, fixture.macMap);
 *   const diffs = compareNics(ci, modelSemantics(cfg), rawDnsOf(fixture.raw));
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Format } from '../../../guest/formats/index.ts';
import { type NicView, nicViews } from '../../../guest/formats/nic.ts';
import { parseIp } from '../../../guest/model/ip.ts';
import { routableNow } from '../../../guest/model/routes.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { run, withTempDir } from '../run.ts';

/** The cloud-init driver (tests and bench/guest.ts); see its docstring for the two modes. */
export const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'cloudinit-oracle.py');

/** What one NIC ends up with, in canonical text, independent of the format. */
export interface NicSemantics {
  name: string;
  mtu: number | null;
  addresses: string[];
  /** dhcp4, dhcp6, ipv6_slaac, ipv6_dhcpv6-stateless, ipv6_dhcpv6-stateful */
  dhcp: string[];
  routes: string[];
  dns: string[];
  search: string[];
}

export interface CloudInitView {
  version: string;
  /** By links[].id. */
  links: Map<string, NicSemantics>;
  dns: { nameservers: string[]; search: string[] };
}

export interface Difference {
  link: string;
  aspect: keyof NicSemantics;
  ours: unknown;
  cloudInit: unknown;
}

function canon(ip: string): string {
  return parseIp(ip)?.text ?? ip;
}

function canonCidr(c: string): string {
  const [a = '', p = ''] = c.split('/');
  return `${canon(a)}/${p}`;
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

/** Runs the oracle; throws with cloud-init's message when it rejects the input. */
export async function cloudInitView(path: string, macMap: Map<string, string>): Promise<CloudInitView> {
  return withTempDir('osr-ci-', async (dir) => {
    const map = join(dir, 'macs.json');
    await writeFile(map, JSON.stringify(Object.fromEntries(macMap)));
    const r = await run('/usr/bin/python3', [ORACLE, path, map]);
    if (r.code !== 0) throw new Error(`cloud-init oracle exit ${r.code}: ${r.stderr.trim()}`);
    const out = JSON.parse(r.stdout) as {
      version: string;
      links: Record<string, Omit<NicSemantics, 'routes'> & { routes: { to: string; via: string }[] }>;
      dns: { nameservers: string[]; search: string[] };
    };
    const links = new Map<string, NicSemantics>();
    for (const [id, l] of Object.entries(out.links)) {
      links.set(id, {
        name: l.name,
        mtu: l.mtu ?? null,
        addresses: sorted(l.addresses.map(canonCidr)),
        dhcp: sorted(l.dhcp),
        routes: sorted(l.routes.map((r) => `${canonCidr(r.to)} via ${canon(r.via)}`)),
        dns: sorted(l.dns.map(canon)),
        search: sorted(l.search),
      });
    }
    return { version: out.version, links, dns: out.dns };
  });
}

const DHCP_NAME: Record<string, string> = { ipv4_dhcp: 'dhcp4', ipv6_dhcp: 'dhcp6' };

/** Our model per link id, as the renderers see it (nicViews). */
export function modelSemantics(cfg: NetworkConfig): Map<string, NicSemantics> {
  const out = new Map<string, NicSemantics>();
  for (const nic of nicViews(cfg)) {
    out.set(nic.link.id, {
      name: nic.name,
      mtu: nic.link.mtu ?? null,
      addresses: sorted(nic.addresses.map((a) => a.cidr)),
      dhcp: sorted(
        nic.networks.filter((n) => n.address === undefined).map((n) => DHCP_NAME[n.type] ?? n.type),
      ),
      routes: sorted(nic.routes.map((r) => `${r.to} via ${r.via}`)),
      dns: sorted(nic.dns),
      search: sorted(nic.search),
    });
  }
  return out;
}

/**
 * DNS servers and search domains that cloud-init 22.4.2 ignores but the input carries per link:
 * `networks[].services[type=dns]` and `networks[].routes[].services[type=dns]` (only `dns_nameservers`
 * and `dns_search` are read by that version).
 */
export function servicesDnsByLink(raw: unknown): Map<string, { dns: string[]; search: string[] }> {
  const out = new Map<string, { dns: string[]; search: string[] }>();
  const nets = ((raw as { networks?: unknown[] }).networks ?? []) as Record<string, unknown>[];
  for (const n of nets) {
    const e = out.get(n.link as string) ?? { dns: [], search: [] };
    const svcs = [
      ...((n.services as Record<string, unknown>[] | undefined) ?? []),
      ...((n.routes as Record<string, unknown>[] | undefined) ?? []).flatMap(
        (r) => (r.services as Record<string, unknown>[]) ?? [],
      ),
    ];
    for (const s of svcs) {
      if (s.type !== 'dns') continue;
      e.dns.push(canon(String(s.address)));
      const search = s.search;
      if (typeof search === 'string') e.search.push(search);
      if (Array.isArray(search)) e.search.push(...(search as string[]));
    }
    out.set(n.link as string, e);
  }
  return out;
}

/**
 * Default routes the input gives a dynamic (DHCP/SLAAC) network, by link, as `dst via gw`: cloud-init
 * keeps them as static routes, we leave them to the DHCP client or router advertisement.
 */
export function dynamicGatewaysByLink(raw: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const nets = ((raw as { networks?: unknown[] }).networks ?? []) as Record<string, unknown>[];
  for (const n of nets) {
    const type = String(n.type);
    if (type === 'ipv4' || type === 'ipv6' || type === 'static' || type === 'static6') continue;
    const v6 = type.startsWith('ipv6');
    const dst = v6 ? '::/0' : '0.0.0.0/0';
    const gws = ((n.routes as Record<string, unknown>[] | undefined) ?? [])
      .filter((r) => ['0.0.0.0', '0.0.0.0/0', '::', '::/0'].includes(String(r.network)))
      .map((r) => String(r.gateway));
    if (typeof n.gateway === 'string') gws.push(n.gateway);
    const set = out.get(n.link as string) ?? new Set<string>();
    for (const g of gws) set.add(`${dst} via ${canon(g)}`);
    out.set(n.link as string, set);
  }
  return out;
}

/**
 * What cloud-init's view becomes once the deliberate differences of docs/guest.md are applied:
 * (1) per-network DNS services count, (2) global DNS servers and search domains are attached to every
 * NIC that has a network, (3) physical NIC names come from the MAC map, never from links[].name, and
 * bonds keep a requested name, (4) the gateway of a DHCP/SLAAC network is left to its client.
 */
export function expectedFromCloudInit(
  ci: CloudInitView,
  raw: unknown,
  cfg: NetworkConfig,
): Map<string, NicSemantics> {
  const services = servicesDnsByLink(raw);
  const leased = dynamicGatewaysByLink(raw);
  const ourNames = new Map(cfg.links.map((l) => [l.id, l.name ?? '']));
  const out = new Map<string, NicSemantics>();
  for (const [id, l] of ci.links) {
    const configured = l.addresses.length + l.dhcp.length > 0;
    const extra = services.get(id) ?? { dns: [], search: [] };
    const link = cfg.links.find((x) => x.id === id);
    const renamed = link && (link.kind === 'physical' || (link.kind === 'bond' && link.requestedName));
    const lease = leased.get(id) ?? new Set<string>();
    out.set(id, {
      ...l,
      routes: l.routes.filter((r) => !lease.has(r)),
      name: renamed ? (ourNames.get(id) ?? l.name) : l.name,
      dns: configured ? sorted([...l.dns, ...extra.dns, ...ci.dns.nameservers.map(canon)]) : [],
      search: configured ? sorted([...l.search, ...extra.search, ...ci.dns.search]) : [],
    });
  }
  return out;
}

/** Aspect-by-aspect differences between two per-link views (only aspects present in `ours`). */
export function compareNics(
  expected: Map<string, NicSemantics>,
  ours: Map<string, Partial<NicSemantics>>,
  aspects: (keyof NicSemantics)[],
): Difference[] {
  const diffs: Difference[] = [];
  const ids = new Set([...expected.keys(), ...ours.keys()]);
  for (const id of ids) {
    const e = expected.get(id);
    const o = ours.get(id);
    for (const aspect of aspects) {
      const a = o?.[aspect];
      const b = e?.[aspect];
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push({ link: id, aspect, ours: a, cloudInit: b });
    }
  }
  return diffs;
}

/**
 * The `ip` format's one deliberate gap: routes of a family the NIC only gets by DHCP/RA cannot be added
 * before the lease (the kernel refuses the gateway), so they are left to the DHCP client.
 */
export function withoutLeaseRoutes(
  expected: Map<string, NicSemantics>,
  cfg: NetworkConfig,
): Map<string, NicSemantics> {
  return adjustPerNic(expected, cfg, (e, nic) => {
    const waiting = new Set(
      nic.routes.filter((r) => !routableNow(r, nic.addresses)).map((r) => `${r.to} via ${r.via}`),
    );
    return { ...e, routes: e.routes.filter((r) => !waiting.has(r)) };
  });
}

/**
 * NetworkManager only: a keyfile takes DNS servers per family and none on a family the connection does
 * not configure, so a server of the other family is left out of that NIC (it stays on the NICs that have
 * that family).
 */
export function withoutForeignFamilyDns(
  expected: Map<string, NicSemantics>,
  cfg: NetworkConfig,
): Map<string, NicSemantics> {
  return adjustPerNic(expected, cfg, (e, nic) => {
    const has4 = nic.dhcp4 || nic.addresses.some((a) => a.family === 4);
    const has6 = nic.dhcp6 || nic.acceptRa === true || nic.addresses.some((a) => a.family === 6);
    return { ...e, dns: e.dns.filter((d) => (d.includes(':') ? has6 : has4)) };
  });
}

/** A copy of `expected` with `fn` applied to the entry of each NIC of `cfg` that has one. */
function adjustPerNic(
  expected: Map<string, NicSemantics>,
  cfg: NetworkConfig,
  fn: (e: NicSemantics, nic: NicView) => NicSemantics,
): Map<string, NicSemantics> {
  const out = new Map(expected);
  for (const nic of nicViews(cfg)) {
    const e = out.get(nic.link.id);
    if (e) out.set(nic.link.id, fn(e, nic));
  }
  return out;
}

type FormatExpectation = (
  expected: Map<string, NicSemantics>,
  cfg: NetworkConfig,
) => { expected: Map<string, NicSemantics>; aspects: (keyof NicSemantics)[] };

const FULL: (keyof NicSemantics)[] = ['mtu', 'addresses', 'routes', 'dns', 'search'];
const everything: FormatExpectation = (expected) => ({ expected, aspects: FULL });

/** Per format (tsc asks for a new one): what it can express, and its rules of docs/guest.md. */
const FOR_FORMAT: Record<Format, FormatExpectation> = {
  ifupdown: everything,
  netplan: everything,
  sysconfig: everything,
  networkd: everything,
  networkmanager: (expected, cfg) => ({ expected: withoutForeignFamilyDns(expected, cfg), aspects: FULL }),
  powershell: (expected) => ({ expected, aspects: ['mtu', 'addresses', 'routes', 'dns'] }),
  ip: (expected, cfg) => ({
    expected: withoutLeaseRoutes(expected, cfg),
    aspects: ['mtu', 'addresses', 'routes'],
  }),
};

/** What each format can express, and the format-specific rules of docs/guest.md applied to cloud-init's view. */
export function expectedForFormat(
  format: Format,
  expected: Map<string, NicSemantics>,
  cfg: NetworkConfig,
): { expected: Map<string, NicSemantics>; aspects: (keyof NicSemantics)[] } {
  return FOR_FORMAT[format](expected, cfg);
}
