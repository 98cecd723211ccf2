/**
 * What Neutron wants on this host: the hubs bound to it, their spokes and the mesh subnets, read with a few
 * filtered lists (never every port in the cloud), and per hub the peers it should hold. Spokes are found by
 * where they must be (device_owner spoke on a hub's network) and claimed by their profile's `peers`, so a
 * spoke made by another tool without the `wg-peer:` tags is still seen; the tags that disagree with the
 * profile are reported as drift. Every port is re-checked here; one that fails is kept out with its reason.
 *
 * @example
 *   const { hubs, routed } = await readHubs(net, { host: 'net-1', known: Object.keys(state.hubs) });
 *   const d = checkSpokes(await readSpokes(net, hubs), hubs);
 *   const want = await wantPeers(hubs[0], d, 'net-1');
 */
import { readFile } from 'node:fs/promises';
import { collect } from '../openstack/client/pagination.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { ports, subnets } from '../openstack/networking/v2/index.ts';
import type { Port } from '../openstack/networking/v2/ports/results.ts';
import { isKey } from './keys.ts';
import {
  formatEndpoint,
  HUB_OWNER,
  hostPrefix,
  MESH_TAG,
  PEER_TAG_PREFIX,
  parseSpokeProfile,
  SPOKE_OWNER,
  type SpokeProfile,
} from './model.ts';

/** A peer as a hub should hold it. */
export interface WantPeer {
  spoke: string;
  allowedIps: string[];
  endpoint?: string;
  keepalive: number;
  presharedKey?: string;
  presharedKeyFile?: string;
}

/** What the agent reads of a spoke (a narrower list is cheaper for Neutron to make). */
export const SPOKE_FIELDS = [
  'id',
  'network_id',
  'fixed_ips',
  'binding:profile',
  'tags',
  'revision_number',
] as const;
export type SpokePort = Pick<Port, (typeof SPOKE_FIELDS)[number]>;

/** A spoke whose `wg-peer:` tags disagree with its profile's peers (hub ids). */
export interface TagDrift {
  port: string;
  missing: string[];
  stale: string[];
}

export interface Desired {
  /** The spokes that claim (profile peers or tags) one of the hubs. */
  spokes: Map<string, SpokePort>;
  /** The spokes whose profile is valid. */
  parsed: Map<string, SpokeProfile>;
  /** Why a spoke is left out (spoke id → reason); grows while the hubs are reconciled. */
  spokeErrors: Map<string, string>;
  /** Valid spokes by the hub they name. */
  byHub: Map<string, SpokePort[]>;
  drift: TagDrift[];
}

export interface MeshSubnet {
  cidr: string;
  mesh: boolean;
}

const CHUNK = 20;

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * The hubs bound to `host`; `known` are the hubs the agent runs: a missing one is looked up, as Neutron
 * turns a hub added to a router into that router's interface (id, host and profile kept). Only then is
 * there an extra call. `routed`: hub id → router id.
 */
export async function readHubs(
  net: ServiceClient,
  o: { host: string; known: string[] },
): Promise<{ hubs: Port[]; routed: Map<string, string> }> {
  const hubs = await collect(ports.list(net, { device_owner: HUB_OWNER, 'binding:host_id': o.host }));
  const routed = new Map<string, string>();
  const listed = new Set(hubs.map((h) => h.id));
  const absent = o.known.filter((id) => !listed.has(id));
  if (absent.length > 0)
    for (const p of await collect(ports.list(net, { ids: absent }))) {
      if (p.device_owner.startsWith('network:router_interface') && p['binding:host_id'] === o.host) {
        hubs.push(p);
        routed.set(p.id, p.device_id);
      }
    }
  return { hubs, routed };
}

/** The spokes on the hubs' networks: one list per 20 networks, whatever their tags. */
export async function readSpokes(net: ServiceClient, hubs: Port[]): Promise<Map<string, SpokePort>> {
  const spokes = new Map<string, SpokePort>();
  for (const ids of chunks([...new Set(hubs.map((h) => h.network_id))])) {
    // Neutron ORs a repeated network_id; the shared filter type names a single one
    const filter = { device_owner: SPOKE_OWNER, network_id: ids, fields: SPOKE_FIELDS };
    for await (const s of ports.list(
      net,
      filter as unknown as ports.ListPortsOpts & { fields: typeof SPOKE_FIELDS },
    ))
      spokes.set(s.id, s);
  }
  return spokes;
}

/** Prefix and mesh tag of the hubs' subnets not yet in `cache` (a subnet's prefix never changes). */
export async function readSubnets(
  net: ServiceClient,
  hubs: Port[],
  cache: Map<string, MeshSubnet>,
): Promise<void> {
  const missing = [...new Set(hubs.flatMap((h) => h.fixed_ips.map((f) => f.subnet_id)))].filter(
    (id) => !cache.has(id),
  );
  for (const ids of chunks(missing, 50))
    for (const s of await collect(subnets.list(net, { ids, fields: ['id', 'cidr', 'tags'] })))
      cache.set(s.id, { cidr: s.cidr, mesh: s.tags.includes(MESH_TAG) });
}

/**
 * Keeps the spokes that claim one of `hubs` (by profile peers, or by a peer tag when the profile cannot be
 * read), checks their profiles and notes where tags and profile disagree.
 */
export function checkSpokes(all: Map<string, SpokePort>, hubs: Port[]): Desired {
  const ours = new Set(hubs.map((h) => h.id));
  const d: Desired = {
    spokes: new Map(),
    parsed: new Map(),
    spokeErrors: new Map(),
    byHub: new Map(),
    drift: [],
  };
  for (const s of all.values()) {
    const tagged = s.tags
      .filter((t) => t.startsWith(PEER_TAG_PREFIX))
      .map((t) => t.slice(PEER_TAG_PREFIX.length));
    const p = parseSpokeProfile(s['binding:profile'] ?? {});
    // an invalid profile still says whose it is when its peers list can be read
    const raw = s['binding:profile']?.peers;
    const named = p.ok ? p.value.peers : Array.isArray(raw) ? raw.filter((x) => typeof x === 'string') : [];
    if (!named.some((h) => ours.has(h)) && !tagged.some((h) => ours.has(h))) continue;
    d.spokes.set(s.id, s);
    if (!p.ok) {
      d.spokeErrors.set(s.id, `${p.field}: ${p.reason}`);
      continue;
    }
    d.parsed.set(s.id, p.value);
    for (const h of named) {
      if (!ours.has(h)) continue;
      const list = d.byHub.get(h) ?? [];
      list.push(s);
      d.byHub.set(h, list);
    }
    // the tags are the index `osnet wg` finds a hub's spokes by (delete, status): they follow the profile
    const missing = named.filter((h) => ours.has(h) && !tagged.includes(h));
    const stale = tagged.filter((h) => ours.has(h) && !named.includes(h));
    if (missing.length || stale.length) d.drift.push({ port: s.id, missing, stale });
  }
  return d;
}

/** The hub's addresses with their mesh subnet's prefix length, or why the hub cannot run. */
export function hubAddresses(hub: Port, cache: Map<string, MeshSubnet>): string[] | { reason: string } {
  const out: string[] = [];
  for (const [i, f] of hub.fixed_ips.entries()) {
    const s = cache.get(f.subnet_id);
    if (!s) continue;
    if (!s.mesh)
      return {
        reason: `fixed_ips[${i}].subnet_id: subnet ${f.subnet_id} is not set aside for the mesh (tag it ${MESH_TAG})`,
      };
    out.push(`${f.ip_address.toLowerCase()}/${s.cidr.split('/')[1]}`);
  }
  if (out.length === 0) return { reason: 'fixed_ips: a hub needs an address on a mesh subnet' };
  return out;
}

/** The peers `hub` should have, by public key; spokes that fail a check go to `d.spokeErrors`. */
export async function wantPeers(hub: Port, d: Desired, host: string): Promise<Map<string, WantPeer>> {
  const want = new Map<string, WantPeer>();
  const hubSubnets = new Set(hub.fixed_ips.map((h) => h.subnet_id));
  for (const s of d.byHub.get(hub.id) ?? []) {
    const p = d.parsed.get(s.id)!;
    if (s.network_id !== hub.network_id) {
      d.spokeErrors.set(s.id, `network_id: the spoke is not on hub ${hub.id}'s network`);
      continue;
    }
    const off = s.fixed_ips.find((f) => !hubSubnets.has(f.subnet_id));
    if (off || s.fixed_ips.length === 0) {
      d.spokeErrors.set(s.id, `fixed_ips: ${off?.ip_address ?? 'none'} is not on a subnet of hub ${hub.id}`);
      continue;
    }
    const clash = want.get(p.publicKey);
    if (clash) {
      d.spokeErrors.set(
        s.id,
        `binding:profile.public_key: spoke ${clash.spoke} already uses this key on hub ${hub.id}`,
      );
      continue;
    }
    let presharedKey: string | undefined;
    if (p.presharedKeyRef) {
      const file = p.presharedKeyRef.slice('file:'.length);
      presharedKey = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (!isKey(presharedKey)) {
        d.spokeErrors.set(
          s.id,
          `binding:profile.preshared_key: ${p.presharedKeyRef} is not readable on ${host} or holds no key`,
        );
        continue;
      }
    }
    const allowedIps = [
      ...new Set([...s.fixed_ips.map((f) => hostPrefix(f.ip_address)), ...p.allowedIps]),
    ].sort();
    want.set(p.publicKey, {
      spoke: s.id,
      allowedIps,
      keepalive: p.persistentKeepalive ?? 0,
      ...(p.endpoint ? { endpoint: formatEndpoint(p.endpoint) } : {}),
      ...(presharedKey ? { presharedKey, presharedKeyFile: p.presharedKeyRef!.slice(5) } : {}),
    });
  }
  return want;
}
