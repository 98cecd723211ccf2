/**
 * Hubs and spokes as Neutron ports, for the operator CLI. No driver of ours runs inside neutron-server, so
 * every request is checked here, against Neutron, before anything is created: a refused request names the
 * field and leaves nothing behind.
 *
 * @example
 *   const hub = await createHub(net, { host: 'net-1', subnets: [meshV4, meshV6] });
 *   const spoke = await createSpoke(net, { publicKey, peers: [hub.id], keepalive: 25 });
 */
import { isIP } from 'node:net';
import { OsnetError } from '../lib/errors.ts';
import { NotFoundError, PreconditionFailedError } from '../openstack/client/errors.ts';
import { collect } from '../openstack/client/pagination.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { networks, ports, subnets, tags } from '../openstack/networking/v2/index.ts';
import type { JsonValue, Port } from '../openstack/networking/v2/ports/results.ts';
import type { Subnet } from '../openstack/networking/v2/subnets/results.ts';
import {
  checkKeepalive,
  checkPskRef,
  HUB_OWNER,
  MESH_TAG,
  PEER_TAG_PREFIX,
  parseCidr,
  parseEndpoint,
  parseRotation,
  parseSpokeProfile,
  peerTag,
  ROTATION_KEY,
  SPOKE_OWNER,
} from './model.ts';

export { MESH_TAG };

function invalid(field: string, reason: string): OsnetError {
  return new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${reason}`, { field });
}

export interface HubRequest {
  host: string;
  /** Mesh subnet ids (one per IP version at most); all on one network. */
  subnets: string[];
  /** Fixed addresses, each on one of `subnets` (default: Neutron picks one per subnet). */
  ips?: string[];
  name?: string;
  projectId?: string;
}

async function getSubnet(net: ServiceClient, id: string, field: string): Promise<Subnet> {
  try {
    return await subnets.get(net, id);
  } catch (e) {
    if (e instanceof NotFoundError) throw invalid(field, `subnet ${id} does not exist`);
    throw e;
  }
}

/** Which of `subnetList` each address belongs to (by CIDR), or the field error. */
function placeIps(
  ips: string[],
  subnetList: Subnet[],
  field: string,
): { subnet_id: string; ip_address: string }[] {
  return ips.map((ip, i) => {
    if (isIP(ip) === 0) throw invalid(`${field}[${i}]`, `"${ip}" is not an IP address`);
    const s = subnetList.find((x) => inCidr(ip, x.cidr));
    if (!s)
      throw invalid(
        `${field}[${i}]`,
        `${ip} is on none of the subnets ${subnetList.map((x) => x.cidr).join(', ')}`,
      );
    return { subnet_id: s.id, ip_address: ip };
  });
}

/** Checks a hub request against Neutron; returns the port create body. Creates nothing. */
export async function checkHub(net: ServiceClient, r: HubRequest): Promise<ports.CreatePortOpts> {
  if (typeof r.host !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(r.host))
    throw invalid('binding:host_id', 'must name the network host whose agent runs the hub (--host)');
  if (r.subnets.length === 0) throw invalid('fixed_ips', 'a hub needs a mesh subnet (--subnet)');
  const list: Subnet[] = [];
  for (const [i, id] of r.subnets.entries()) {
    const s = await getSubnet(net, id, `fixed_ips[${i}].subnet_id`);
    if (!s.tags.includes(MESH_TAG))
      throw invalid(
        `fixed_ips[${i}].subnet_id`,
        `subnet ${id} is not set aside for the mesh (tag it ${MESH_TAG})`,
      );
    if (list.some((x) => x.ip_version === s.ip_version))
      throw invalid(`fixed_ips[${i}].subnet_id`, `two IPv${s.ip_version} subnets: give one per IP version`);
    if (list[0] && list[0].network_id !== s.network_id)
      throw invalid(`fixed_ips[${i}].subnet_id`, 'subnets of one hub must be on one network');
    list.push(s);
  }
  const fixed = r.ips?.length ? placeIps(r.ips, list, 'fixed_ips') : list.map((s) => ({ subnet_id: s.id }));
  return {
    network_id: list[0]!.network_id,
    device_owner: HUB_OWNER,
    'binding:host_id': r.host,
    'binding:profile': {},
    fixed_ips: fixed,
    // WireGuard's own keys authenticate; Neutron's anti-spoofing would only see the hub's own address
    port_security_enabled: false,
    ...(r.name ? { name: r.name } : {}),
    ...(r.projectId ? { project_id: r.projectId } : {}),
  };
}

export async function createHub(net: ServiceClient, r: HubRequest): Promise<Port> {
  return ports.create(net, await checkHub(net, r));
}

export interface SpokeRequest {
  publicKey: string;
  peers: string[];
  endpoint?: string;
  keepalive?: number;
  /** `file:/path` on the network host: the PSK itself never goes to Neutron. */
  presharedKeyRef?: string;
  allowedIps?: string[];
  ips?: string[];
  name?: string;
  projectId?: string;
}

/** The hubs a spoke names, each checked to be a hub. */
async function getHubs(net: ServiceClient, ids: string[], field: string): Promise<Port[]> {
  const found = await collect(ports.list(net, { ids }));
  return ids.map((id, i) => {
    const p = found.find((x) => x.id === id);
    if (!p) throw invalid(`${field}[${i}]`, `port ${id} does not exist`);
    if (p.device_owner !== HUB_OWNER)
      throw invalid(`${field}[${i}]`, `port ${id} is not a hub (${p.device_owner || 'no device_owner'})`);
    return p;
  });
}

/** Checks a spoke request against Neutron; returns the port create body and its peer tags. Creates nothing. */
export async function checkSpoke(
  net: ServiceClient,
  r: SpokeRequest,
): Promise<{ body: ports.CreatePortOpts; tags: string[] }> {
  const profile: Record<string, JsonValue> = { public_key: r.publicKey, peers: r.peers };
  if (r.endpoint !== undefined) profile.endpoint = r.endpoint;
  if (r.keepalive !== undefined) profile.persistent_keepalive = r.keepalive;
  if (r.presharedKeyRef !== undefined) profile.preshared_key = r.presharedKeyRef;
  if (r.allowedIps !== undefined) profile.allowed_ips = r.allowedIps;
  const parsed = parseSpokeProfile(profile);
  if (!parsed.ok) throw invalid(parsed.field, parsed.reason);
  const hubs = await getHubs(net, r.peers, 'binding:profile.peers');
  const networkId = hubs[0]!.network_id;
  for (const [i, h] of hubs.entries())
    if (h.network_id !== networkId)
      throw invalid(
        `binding:profile.peers[${i}]`,
        `hub ${h.id} is on another network than hub ${hubs[0]!.id}`,
      );
  const hubSubnetIds = [...new Set(hubs.flatMap((h) => h.fixed_ips.map((f) => f.subnet_id)))];
  const hubSubnets = await collect(subnets.list(net, { ids: hubSubnetIds }));
  let fixed: { subnet_id: string; ip_address?: string }[];
  if (r.ips?.length) fixed = placeIps(r.ips, hubSubnets, 'fixed_ips');
  else fixed = hubSubnets.map((s) => ({ subnet_id: s.id }));
  return {
    body: {
      network_id: networkId,
      device_owner: SPOKE_OWNER,
      'binding:profile': profile,
      fixed_ips: fixed,
      port_security_enabled: false,
      ...(r.name ? { name: r.name } : {}),
      ...(r.projectId ? { project_id: r.projectId } : {}),
    },
    tags: r.peers.map(peerTag),
  };
}

/** Creates the spoke and its peer tags; if tagging fails, the port goes again (all or nothing). */
export async function createSpoke(net: ServiceClient, r: SpokeRequest): Promise<Port> {
  const { body, tags: want } = await checkSpoke(net, r);
  const p = await ports.create(net, body);
  try {
    await tags.replaceAll(net, 'ports', p.id, want);
  } catch (e) {
    await ports.removeIfExists(net, p.id);
    throw e;
  }
  return ports.get(net, p.id);
}

/** Re-checks the keepalive / PSK reference options of the CLI (they come as strings). */
export function parseSpokeOptions(o: { keepalive?: string; pskRef?: string; endpoint?: string }): {
  keepalive?: number;
  presharedKeyRef?: string;
} {
  const out: { keepalive?: number; presharedKeyRef?: string } = {};
  if (o.keepalive !== undefined) {
    const k = checkKeepalive(
      /^[0-9]+$/.test(o.keepalive) ? Number(o.keepalive) : o.keepalive,
      'binding:profile.persistent_keepalive',
    );
    if (!k.ok) throw invalid(k.field, k.reason);
    out.keepalive = k.value;
  }
  if (o.pskRef !== undefined) {
    const r = checkPskRef(o.pskRef, 'binding:profile.preshared_key');
    if (!r.ok) throw invalid(r.field, r.reason);
    out.presharedKeyRef = r.value;
  }
  if (o.endpoint !== undefined) {
    const e = parseEndpoint(o.endpoint);
    if (typeof e === 'string') throw invalid('binding:profile.endpoint', e);
  }
  return out;
}

export type Kind = 'hub' | 'spoke';

/** A hub or spoke port by id; anything else is a NOT_FOUND naming the id. */
export async function getTunnelPort(net: ServiceClient, id: string, kind?: Kind): Promise<Port> {
  let p: Port;
  try {
    p = await ports.get(net, id);
  } catch (e) {
    if (e instanceof NotFoundError)
      throw new OsnetError('OSNET_ERR_NOT_FOUND', `port ${id} does not exist`, { field: 'port' });
    throw e;
  }
  const want = kind === 'hub' ? [HUB_OWNER] : kind === 'spoke' ? [SPOKE_OWNER] : [HUB_OWNER, SPOKE_OWNER];
  if (!want.includes(p.device_owner))
    throw new OsnetError('OSNET_ERR_NOT_FOUND', `port ${id} is not a WireGuard ${kind ?? 'hub or spoke'}`, {
      field: 'port',
    });
  return p;
}

/** Every hub and spoke visible to the client (two filtered lists, not every port). */
export async function listTunnels(
  net: ServiceClient,
  projectId?: string,
): Promise<{ hubs: Port[]; spokes: Port[] }> {
  const f = projectId ? { project_id: projectId } : {};
  const [hubs, spokes] = await Promise.all([
    collect(ports.list(net, { device_owner: HUB_OWNER, ...f })),
    collect(ports.list(net, { device_owner: SPOKE_OWNER, ...f })),
  ]);
  return { hubs, spokes };
}

/** The spokes peering with a hub (by their peer tag). */
export async function spokesOf(net: ServiceClient, hubId: string): Promise<Port[]> {
  return collect(ports.list(net, { device_owner: SPOKE_OWNER, tags: [peerTag(hubId)] }));
}

/** Deletes a hub or spoke; a hub with spokes is refused unless `force`. */
export async function deleteTunnel(net: ServiceClient, id: string, force = false): Promise<void> {
  const p = await getTunnelPort(net, id);
  if (p.device_owner === HUB_OWNER && !force) {
    const s = await spokesOf(net, id);
    if (s.length > 0)
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `hub ${id} still has ${s.length} spoke(s) (${s
          .slice(0, 3)
          .map((x) => x.id)
          .join(', ')}${s.length > 3 ? ', ...' : ''}): delete them first or pass --force`,
        { field: 'port' },
      );
  }
  await ports.remove(net, id);
}

export function isPeerTag(t: string): boolean {
  return t.startsWith(PEER_TAG_PREFIX);
}

/** Whether an address lies in a prefix (v4 or v6). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsS] = cidr.split('/');
  const bits = Number(bitsS);
  const a = ipBytes(ip);
  const b = ipBytes(base!);
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < bits; i++) {
    const m = 0x80 >> (i % 8);
    if ((a[i >> 3]! & m) !== (b[i >> 3]! & m)) return false;
  }
  return true;
}

function ipBytes(ip: string): number[] | undefined {
  const v = isIP(ip);
  if (v === 4) return ip.split('.').map(Number);
  if (v !== 6) return undefined;
  // an embedded IPv4 tail (::ffff:1.2.3.4) as two hex groups
  const s = ip.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_m, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const [head, rest] = s.split('::');
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const all = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  return all.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

export interface Mesh {
  networkId: string;
  subnetIds: string[];
}

/** A network with subnets set aside for the mesh (tagged wg-mesh; no gateway, no DHCP: WireGuard addresses itself). */
export async function createMesh(
  net: ServiceClient,
  name: string,
  cidrs: string[],
  projectId?: string,
): Promise<Mesh> {
  if (cidrs.length === 0) throw invalid('cidr', 'a mesh needs at least one subnet (--cidr)');
  const v = new Set<number>();
  for (const [i, c] of cidrs.entries()) {
    const n = parseCidr(c);
    if (!n || n !== `${c.split('/')[0]!.toLowerCase()}/${c.split('/')[1]}`)
      throw invalid(`cidr[${i}]`, `"${c}" is not an address prefix`);
    const ver = isIP(n.split('/')[0]!);
    if (v.has(ver)) throw invalid(`cidr[${i}]`, `a second IPv${ver} prefix: give one per IP version`);
    v.add(ver);
  }
  const p = projectId ? { project_id: projectId } : {};
  const network = await networks.create(net, { name, ...p });
  try {
    const ids: string[] = [];
    for (const c of cidrs) {
      const s = await subnets.create(net, {
        network_id: network.id,
        cidr: c,
        ip_version: isIP(c.split('/')[0]!) === 6 ? 6 : 4,
        gateway_ip: null,
        enable_dhcp: false,
        name: `${name}-${isIP(c.split('/')[0]!) === 6 ? 'v6' : 'v4'}`,
        ...p,
      });
      await tags.add(net, 'subnets', s.id, MESH_TAG);
      ids.push(s.id);
    }
    return { networkId: network.id, subnetIds: ids };
  } catch (e) {
    await networks.removeIfExists(net, network.id);
    throw e;
  }
}

/** Deletes a mesh network; refused when it is not one (no wg-mesh subnet) or hubs/spokes remain. */
export async function deleteMesh(net: ServiceClient, networkId: string): Promise<void> {
  const subs = await collect(subnets.list(net, { network_id: networkId }));
  if (!subs.some((s) => s.tags.includes(MESH_TAG)))
    throw invalid('network', `network ${networkId} has no ${MESH_TAG} subnet: not a mesh`);
  const left = await collect(ports.list(net, { network_id: networkId, fields: ['id', 'device_owner'] }));
  const tunnels = left.filter((p) => p.device_owner === HUB_OWNER || p.device_owner === SPOKE_OWNER);
  if (tunnels.length > 0)
    throw invalid(
      'network',
      `network ${networkId} still has ${tunnels.length} hub(s)/spoke(s): delete them first`,
    );
  await networks.remove(net, networkId);
}

/**
 * Asks the hub's agent for a new key (profile `osnet_wg_rotation`): it runs the new key on a second interface
 * and port beside the old one until `overlapSeconds` have passed, then retires the old one. Refused while a
 * rotation is under way.
 */
export async function rotateHub(net: ServiceClient, hubId: string, overlapSeconds: number): Promise<Port> {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > 90 * 86400)
    throw invalid('overlap', 'must be a whole number of seconds within 0-7776000 (90 days)');
  for (let attempt = 0; ; attempt++) {
    const hub = await getTunnelPort(net, hubId, 'hub');
    const profile = { ...(hub['binding:profile'] ?? {}) };
    const cur = parseRotation(profile[ROTATION_KEY]);
    if (cur && cur.done_at === undefined)
      throw invalid(
        `binding:profile.${ROTATION_KEY}`,
        `hub ${hubId} is already rotating (requested at ${new Date(cur.requested_at * 1000).toISOString()})`,
      );
    if (typeof profile.public_key !== 'string')
      throw invalid('binding:profile.public_key', `hub ${hubId} has no key yet: its agent has not set it up`);
    profile[ROTATION_KEY] = { requested_at: Math.floor(Date.now() / 1000), overlap_seconds: overlapSeconds };
    try {
      return await ports.update(net, hubId, { 'binding:profile': profile }, { ifMatch: hub.revision_number });
    } catch (e) {
      if (!(e instanceof PreconditionFailedError) || attempt > 2) throw e;
    }
  }
}
