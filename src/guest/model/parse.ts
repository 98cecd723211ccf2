/**
 * Validates OpenStack's network_data.json and turns it into the normalised NetworkConfig.
 * Every error is an OsnetError('OSNET_ERR_VALIDATION') whose `field` is the JSON path of the offending
 * value (e.g. `$.networks[1].netmask`) and whose message states the rule broken.
 *
 * @example
 *   const cfg = parse(JSON.parse(readFileSync('network_data.json', 'utf8')));
 *   cfg.networks[0]?.address; // '172.19.1.34'
 */
import { OsnetError } from '../../lib/errors.ts';
import { isNetworkAddress, maskToPrefix, type ParsedIp, parseIp, prefixMask } from './ip.ts';
import { applyRoutePolicy } from './route-policy.ts';
import { defaultDestination, isDefaultRoute } from './routes.ts';
import {
  BOND_MODES,
  type BondMode,
  type Link,
  NETWORK_TYPES,
  type Network,
  type NetworkConfig,
  type NetworkType,
  PHYSICAL_LINK_TYPES,
  type PhysicalLinkType,
  type Route,
} from './types.ts';

type Obj = Record<string, unknown>;

const BOND_HASH_POLICIES = ['layer2', 'layer2+3', 'layer3+4', 'encap2+3', 'encap3+4', 'vlan+srcmac'];
/** Legacy network types cloud-init also accepts, mapped to the spec's names. */
const NETWORK_TYPE_ALIASES: Record<string, NetworkType> = { static: 'ipv4', static6: 'ipv6' };
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
/** Linux interface names: 1-15 bytes, no slash, colon or whitespace. */
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;

function fail(field: string, message: string): never {
  throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${message}`, { field });
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function absent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(field, 'must be a non-empty string');
  return v;
}

function optArray(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(field, 'must be an array');
  return v;
}

function int(v: unknown, field: string, min: number, max: number): number {
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    fail(field, `must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return n;
}

function mac(v: unknown, field: string): string {
  const m = typeof v === 'string' ? v.toLowerCase() : '';
  if (!MAC_RE.test(m)) fail(field, `must be a MAC address like fa:16:3e:00:00:01 (got ${JSON.stringify(v)})`);
  if (m === '00:00:00:00:00:00') fail(field, 'must not be the all-zero MAC');
  return m;
}

function ip(v: unknown, field: string, family?: 4 | 6): string {
  const p = typeof v === 'string' ? parseIp(v, family) : undefined;
  const what = family === undefined ? 'an IP address' : `an IPv${family} address`;
  if (!p) fail(field, `must be ${what} (got ${JSON.stringify(v)})`);
  return p.text;
}

function bondMode(v: unknown, field: string): BondMode {
  if (typeof v === 'number' || (typeof v === 'string' && /^[0-9]+$/.test(v))) {
    // OpenStack may send the kernel's numeric modes; netplan and others only accept names.
    const n = Number(v);
    const name = BOND_MODES[n];
    if (!Number.isInteger(n) || name === undefined) fail(field, `numeric bond mode must be 0-6 (got ${v})`);
    return name;
  }
  if (typeof v === 'string' && (BOND_MODES as readonly string[]).includes(v)) return v as BondMode;
  fail(field, `must be one of ${BOND_MODES.join(', ')} or 0-6 (got ${JSON.stringify(v)})`);
}

function parseLink(raw: unknown, path: string): Link {
  if (!isObj(raw)) fail(path, 'must be an object');
  const id = str(raw.id, `${path}.id`);
  const type = raw.type ?? null;
  const base: { id: string; mtu?: number; vifId?: string; requestedName?: string } = { id };
  if (!absent(raw.mtu)) base.mtu = int(raw.mtu, `${path}.mtu`, 68, 65535);
  if (!absent(raw.vif_id)) base.vifId = str(raw.vif_id, `${path}.vif_id`);
  if (!absent(raw.name)) {
    const name = str(raw.name, `${path}.name`);
    if (!IFNAME_RE.test(name))
      fail(`${path}.name`, `is not a valid interface name (got ${JSON.stringify(name)})`);
    base.requestedName = name;
  }
  const optMac = (key: string) => (absent(raw[key]) ? undefined : mac(raw[key], `${path}.${key}`));

  if (type === 'vlan') {
    const parent = str(raw.vlan_link, `${path}.vlan_link`);
    const vlanId = int(raw.vlan_id, `${path}.vlan_id`, 1, 4094);
    const m = optMac('vlan_mac_address') ?? optMac('ethernet_mac_address');
    return { ...base, kind: 'vlan', parent, vlanId, ...(m ? { mac: m } : {}) };
  }
  if (type === 'bond') {
    const membersRaw = raw.bond_links;
    if (!Array.isArray(membersRaw) || membersRaw.length === 0) {
      fail(`${path}.bond_links`, 'must be a non-empty array of link ids');
    }
    const members = membersRaw.map((m, i) => str(m, `${path}.bond_links[${i}]`));
    const mode = bondMode(raw.bond_mode, `${path}.bond_mode`);
    const link: Link = { ...base, kind: 'bond', members, mode };
    const m = optMac('ethernet_mac_address');
    if (m) link.mac = m;
    if (!absent(raw.bond_miimon)) link.miimon = int(raw.bond_miimon, `${path}.bond_miimon`, 0, 2 ** 31 - 1);
    if (!absent(raw.bond_xmit_hash_policy)) {
      const hp = str(raw.bond_xmit_hash_policy, `${path}.bond_xmit_hash_policy`);
      if (!BOND_HASH_POLICIES.includes(hp)) {
        fail(`${path}.bond_xmit_hash_policy`, `must be one of ${BOND_HASH_POLICIES.join(', ')} (got ${hp})`);
      }
      link.hashPolicy = hp;
    }
    return link;
  }
  // A missing or null type is a plain NIC, as in Nova's older metadata and cloud-init's reading of it.
  const ptype: PhysicalLinkType = type === null ? 'other' : (type as PhysicalLinkType);
  if (!(PHYSICAL_LINK_TYPES as readonly string[]).includes(ptype)) {
    fail(
      `${path}.type`,
      `unknown link type ${JSON.stringify(type)} (known: vlan, bond, ${PHYSICAL_LINK_TYPES.join(', ')})`,
    );
  }
  const m = mac(raw.ethernet_mac_address, `${path}.ethernet_mac_address`);
  return { ...base, kind: 'physical', type: ptype, mac: m };
}

function checkLinkGraph(links: Link[]): void {
  const byId = new Map<string, { link: Link; index: number }>();
  links.forEach((link, index) => {
    if (byId.has(link.id)) fail(`$.links[${index}].id`, `duplicate link id ${JSON.stringify(link.id)}`);
    byId.set(link.id, { link, index });
  });
  const macOwner = new Map<string, number>();
  const memberOf = new Map<string, string>();
  links.forEach((link, i) => {
    const path = `$.links[${i}]`;
    if (link.kind === 'physical') {
      const other = macOwner.get(link.mac);
      if (other !== undefined) {
        fail(
          `${path}.ethernet_mac_address`,
          `MAC ${link.mac} is also used by $.links[${other}]; NICs are matched by MAC`,
        );
      }
      macOwner.set(link.mac, i);
    } else if (link.kind === 'bond') {
      link.members.forEach((m, j) => {
        const target = byId.get(m);
        if (!target) fail(`${path}.bond_links[${j}]`, `bond member ${JSON.stringify(m)} is not a link id`);
        if (target.link.kind !== 'physical')
          fail(`${path}.bond_links[${j}]`, `bond member ${m} must be a NIC, not a ${target.link.kind}`);
        const owner = memberOf.get(m);
        if (owner !== undefined)
          fail(`${path}.bond_links[${j}]`, `link ${m} is already a member of bond ${owner}`);
        memberOf.set(m, link.id);
      });
    } else {
      const target = byId.get(link.parent);
      if (!target) fail(`${path}.vlan_link`, `VLAN parent ${JSON.stringify(link.parent)} is not a link id`);
      if (target.link.kind === 'vlan')
        fail(`${path}.vlan_link`, `VLAN parent ${link.parent} must be a NIC or bond, not a VLAN`);
      const dup = links.findIndex(
        (o, k) => k < i && o.kind === 'vlan' && o.parent === link.parent && o.vlanId === link.vlanId,
      );
      if (dup >= 0) fail(`${path}.vlan_id`, `VLAN ${link.vlanId} on ${link.parent} is also $.links[${dup}]`);
      if (!link.mac && target.link.mac) link.mac = target.link.mac;
    }
  });
  // after the loop: a bond may come after the VLAN in link order
  links.forEach((link, i) => {
    const owner = link.kind === 'vlan' ? memberOf.get(link.parent) : undefined;
    if (owner !== undefined) {
      fail(
        `$.links[${i}].vlan_link`,
        `VLAN parent ${(link as { parent: string }).parent} is a member of bond ${owner}: put the VLAN on the bond`,
      );
    }
  });
}

const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A DNS search domain: what resolv.conf and every renderer can carry (no spaces, quotes or newlines). */
function domain(v: unknown, path: string): string {
  const d = str(v, path);
  const bare = d.endsWith('.') ? d.slice(0, -1) : d;
  if (bare.length === 0 || bare.length > 253 || !bare.split('.').every((l) => DOMAIN_LABEL.test(l))) {
    fail(
      path,
      `must be a DNS domain name (letters, digits, '-', '_', dot-separated labels of 1-63), got ${JSON.stringify(d)}`,
    );
  }
  return d;
}

function dnsServices(raw: unknown, path: string, dns: string[], search: string[]): void {
  optArray(raw, path).forEach((s, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(s)) fail(p, 'must be an object');
    if (s.type !== 'dns') return; // other service types carry nothing a guest NIC config needs
    const addr = ip(s.address, `${p}.address`);
    if (!dns.includes(addr)) dns.push(addr);
    if (!absent(s.search)) {
      const list = typeof s.search === 'string' ? [s.search] : optArray(s.search, `${p}.search`);
      list.forEach((d, j) => {
        const dom = domain(d, typeof s.search === 'string' ? `${p}.search` : `${p}.search[${j}]`);
        if (!search.includes(dom)) search.push(dom);
      });
    }
  });
}

/**
 * The prefix length an object gives by the CIDR suffix of its `field` and/or its `netmask`; both given,
 * they must agree. Undefined when neither is given.
 */
function prefixOf(raw: Obj, path: string, family: 4 | 6, field: string, cidr: string | undefined) {
  let prefix: number | undefined;
  if (cidr !== undefined) {
    prefix = maskToPrefix(cidr, family);
    if (prefix === undefined) fail(`${path}.${field}`, `bad prefix length in ${raw[field]}`);
  }
  if (absent(raw.netmask)) return prefix;
  const m = raw.netmask;
  const fromMask = typeof m === 'string' || typeof m === 'number' ? maskToPrefix(m, family) : undefined;
  if (fromMask === undefined) {
    fail(
      `${path}.netmask`,
      `must be a contiguous IPv${family} netmask or prefix length (got ${JSON.stringify(m)})`,
    );
  }
  if (prefix !== undefined && prefix !== fromMask) {
    fail(`${path}.netmask`, `prefix /${fromMask} disagrees with the CIDR in ${field} (${raw[field]})`);
  }
  return fromMask;
}

function parseRoute(raw: unknown, path: string, family: 4 | 6): Route {
  if (!isObj(raw)) fail(path, 'must be an object');
  const netRaw = str(raw.network, `${path}.network`);
  const [netText, cidrPrefix] = netRaw.split('/', 2) as [string, string | undefined];
  const net = parseIp(netText, family);
  if (!net)
    fail(`${path}.network`, `must be an IPv${family} network like the network's own family (got ${netRaw})`);
  const prefix = prefixOf(raw, path, family, 'network', cidrPrefix);
  if (prefix === undefined) fail(`${path}.netmask`, 'is required (or give network in CIDR form)');
  if (!isNetworkAddress(net, prefix)) {
    fail(
      `${path}.network`,
      `${net.text}/${prefix} has host bits set; a route destination must be a network address`,
    );
  }
  const via = ip(raw.gateway, `${path}.gateway`, family);
  const route: Route = { to: `${net.text}/${prefix}`, via, family };
  if (!absent(raw.metric)) route.metric = int(raw.metric, `${path}.metric`, 0, 2 ** 32 - 1);
  return route;
}

/**
 * An IPv4 host address must not be its subnet's network or broadcast address: the kernel takes either and
 * the NIC then answers for the whole subnet or not at all. /31 and /32 have neither (RFC 3021). IPv6 has
 * no broadcast and allows any host part.
 */
function checkHostAddress(a: ParsedIp, prefix: number, field: string): void {
  if (a.family !== 4 || prefix >= 31) return;
  const host = a.value & ~prefixMask(prefix, 4);
  if (host === 0n)
    fail(field, `${a.text}/${prefix} is the network address of its subnet, not a host address`);
  if (host === (~prefixMask(prefix, 4) & 0xffff_ffffn))
    fail(field, `${a.text}/${prefix} is the broadcast address of its subnet, not a host address`);
}

function isMulticast(a: ParsedIp): boolean {
  return a.family === 4 ? a.value >> 28n === 0xen : a.value >> 120n === 0xffn;
}

function isLoopback(a: ParsedIp): boolean {
  return a.family === 4 ? a.value >> 24n === 127n : a.value === 1n;
}

/**
 * A gateway the kernel refuses or misreads: multicast or loopback anywhere; the network's own address; in
 * an IPv4 subnet its network or broadcast address.
 */
function checkGateway(via: string, net: Network, field: string): void {
  const g = parseIp(via, net.family)!;
  if (isMulticast(g)) fail(field, `${g.text} is a multicast address, not a gateway`);
  if (isLoopback(g)) fail(field, `${g.text} is a loopback address, not a gateway`);
  if (net.address === undefined || net.prefix === undefined) return;
  if (g.text === net.address)
    fail(field, `${g.text} is the network's own address (${net.id}), not a gateway`);
  const mask = prefixMask(net.prefix, net.family);
  const own = parseIp(net.address, net.family)!;
  if ((g.value & mask) !== (own.value & mask) || net.prefix >= (net.family === 4 ? 31 : 127)) return;
  const host = g.value & ~mask;
  // IPv6 has no broadcast, and its host part 0 is the subnet-router anycast address, which routers answer.
  if (net.family !== 4) return;
  if (host === 0n)
    fail(field, `${g.text} is the network address of ${net.address}/${net.prefix}, not a gateway`);
  if (host === (~mask & 0xffff_ffffn))
    fail(field, `${g.text} is the broadcast address of ${net.address}/${net.prefix}, not a gateway`);
}

function parseNetwork(raw: unknown, path: string, linkIds: Set<string>): Network {
  if (!isObj(raw)) fail(path, 'must be an object');
  const id = str(raw.id, `${path}.id`);
  const link = str(raw.link, `${path}.link`);
  if (!linkIds.has(link))
    fail(`${path}.link`, `link ${JSON.stringify(link)} is not the id of any $.links[] entry`);
  const typeRaw = str(raw.type, `${path}.type`);
  const type = NETWORK_TYPE_ALIASES[typeRaw] ?? (typeRaw as NetworkType);
  if (!(NETWORK_TYPES as readonly string[]).includes(type)) {
    fail(
      `${path}.type`,
      `unknown network type ${JSON.stringify(typeRaw)} (known: ${NETWORK_TYPES.join(', ')})`,
    );
  }
  const family: 4 | 6 = type.startsWith('ipv4') ? 4 : 6;
  const net: Network = { id, link, type, family, routes: [], dns: [], search: [] };
  if (!absent(raw.network_id)) net.networkId = str(raw.network_id, `${path}.network_id`);

  if (type === 'ipv4' || type === 'ipv6') {
    const addrRaw = str(raw.ip_address, `${path}.ip_address`);
    const [addrText, cidr] = addrRaw.split('/', 2) as [string, string | undefined];
    net.address = ip(addrText, `${path}.ip_address`, family);
    let prefix = prefixOf(raw, path, family, 'ip_address', cidr);
    if (prefix === undefined) {
      // IPv6 subnets on OpenStack are /64 unless said otherwise; an IPv4 prefix cannot be guessed.
      if (family === 4)
        fail(`${path}.netmask`, 'is required for an ipv4 network (or give ip_address in CIDR form)');
      prefix = 64;
    }
    if (prefix === 0) fail(`${path}.netmask`, 'prefix length 0 is not a valid address mask');
    net.prefix = prefix;
    checkHostAddress(parseIp(net.address, family)!, prefix, `${path}.ip_address`);
  }

  optArray(raw.routes, `${path}.routes`).forEach((r, i) => {
    const rp = `${path}.routes[${i}]`;
    const route = parseRoute(r, rp, family);
    checkGateway(route.via, net, `${rp}.gateway`);
    const clash = net.routes.find((o) => o.to === route.to);
    if (clash) {
      const why = isDefaultRoute(route) ? 'two default gateways in one network' : 'duplicate destination';
      fail(rp, `${why}: ${route.to} via ${route.via} and via ${clash.via}`);
    }
    net.routes.push(route);
    if (isObj(r)) dnsServices(r.services, `${rp}.services`, net.dns, net.search);
  });
  if (!absent(raw.gateway)) {
    // Some producers put the default gateway on the network itself rather than as a 0/0 route.
    const gw = ip(raw.gateway, `${path}.gateway`, family);
    checkGateway(gw, net, `${path}.gateway`);
    const existing = net.routes.find(isDefaultRoute);
    if (existing && existing.via !== gw) {
      fail(`${path}.gateway`, `two default gateways in one network: ${gw} and route via ${existing.via}`);
    }
    if (!existing) net.routes.push({ to: defaultDestination(family), via: gw, family });
  }
  // A dynamic network's default route comes from its DHCP server or router advertisement (Neutron sends
  // the subnet's gateway there), with the policy metric. A static copy of it would be a second default
  // route on the NIC that the client's own one collides with, so it is left to the client.
  if (type !== 'ipv4' && type !== 'ipv6') net.routes = net.routes.filter((r) => !isDefaultRoute(r));
  const def = net.routes.find(isDefaultRoute);
  if (def) net.gateway = def.via;

  dnsServices(raw.services, `${path}.services`, net.dns, net.search);
  optArray(raw.dns_nameservers, `${path}.dns_nameservers`).forEach((d, i) => {
    const a = ip(d, `${path}.dns_nameservers[${i}]`);
    if (!net.dns.includes(a)) net.dns.push(a);
  });
  optArray(raw.dns_search, `${path}.dns_search`).forEach((d, i) => {
    const dom = domain(d, `${path}.dns_search[${i}]`);
    if (!net.search.includes(dom)) net.search.push(dom);
  });
  return net;
}

/**
 * Parses network_data.json (already JSON-decoded). Throws OsnetError('OSNET_ERR_VALIDATION') naming the
 * JSON path on the first rule broken; on success every default route carries a metric (see route-policy.ts).
 *
 * @example
 *   parse({ links: [{ id: 'l0', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:00:01' }],
 *           networks: [{ id: 'n0', link: 'l0', type: 'ipv4_dhcp' }] });
 */
export function parse(raw: unknown): NetworkConfig {
  if (!isObj(raw)) fail('$', 'network_data.json must be a JSON object');
  const links = optArray(raw.links, '$.links').map((l, i) => parseLink(l, `$.links[${i}]`));
  checkLinkGraph(links);
  const linkIds = new Set(links.map((l) => l.id));
  const networks = optArray(raw.networks, '$.networks').map((n, i) =>
    parseNetwork(n, `$.networks[${i}]`, linkIds),
  );
  const netIds = new Map<string, number>();
  networks.forEach((n, i) => {
    const prev = netIds.get(n.id);
    if (prev !== undefined)
      fail(`$.networks[${i}].id`, `duplicate network id ${JSON.stringify(n.id)} (also $.networks[${prev}])`);
    netIds.set(n.id, i);
  });
  // A bond member carries no address of its own (every renderer configures it as a bare slave), so a
  // network on it would vanish without a word: the network belongs on the bond.
  const memberOf = new Map(links.flatMap((l) => (l.kind === 'bond' ? l.members.map((m) => [m, l.id]) : [])));
  networks.forEach((n, i) => {
    const bond = memberOf.get(n.link);
    if (bond !== undefined)
      fail(
        `$.networks[${i}].link`,
        `link ${n.link} is a member of bond ${bond}: put the network on the bond`,
      );
  });
  // The kernel turns IPv6 off on a link whose MTU is below 1280, so such a network could never work.
  networks.forEach((n, i) => {
    const li = links.findIndex((l) => l.id === n.link);
    const mtu = links[li]?.mtu;
    if (n.family === 6 && mtu !== undefined && mtu < 1280) {
      fail(`$.links[${li}].mtu`, `MTU ${mtu} is below 1280, the IPv6 minimum, but $.networks[${i}] is IPv6`);
    }
  });
  // One NIC cannot have two default gateways in one family: the kernel would keep whichever came last.
  for (const family of [4, 6] as const) {
    const seen = new Map<string, { via: string; index: number }>();
    networks.forEach((n, i) => {
      if (n.family !== family || !n.gateway) return;
      const prev = seen.get(n.link);
      if (prev && prev.via !== n.gateway) {
        fail(
          `$.networks[${i}].routes`,
          `two IPv${family} default gateways on link ${n.link}: ${n.gateway} and ${prev.via} ($.networks[${prev.index}])`,
        );
      }
      seen.set(n.link, { via: n.gateway, index: i });
    });
  }
  const dns: string[] = [];
  const search: string[] = [];
  dnsServices(raw.services, '$.services', dns, search);
  return applyRoutePolicy({ links, networks, dns, search });
}
