/**
 * What Neutron wants on this host: the hubs bound to it, their spokes and the mesh subnets' prefixes, read
 * with a few filtered lists (never every port in the cloud), and per hub the peers it should hold. Every
 * spoke is re-checked here (another tool may have made it); a spoke that fails is kept out with its reason.
 *
 * @example
 *   const d = await readDesired(net, { host: 'net-1', known: Object.keys(state.hubs), cidrs });
 *   const want = await wantPeers(d.hubs[0], d, 'net-1');
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
  parseSpokeProfile,
  peerTag,
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

export interface Desired {
  hubs: Port[];
  /** Hubs that Neutron turned into a router's interface: hub id → router id. */
  routed: Map<string, string>;
  spokes: Map<string, Port>;
  /** The spokes whose profile is valid. */
  parsed: Map<string, SpokeProfile>;
  /** Why a spoke is left out (spoke id → reason); grows while the hubs are reconciled. */
  spokeErrors: Map<string, string>;
}

const SPOKE_TAG_CHUNK = 20;

/**
 * Lists the hubs bound to `host` and their spokes; `known` are the hubs the agent runs (a missing one is
 * looked up: it may be on a router now); `cidrs` caches subnet prefixes across passes.
 */
export async function readDesired(
  net: ServiceClient,
  o: { host: string; known: string[]; cidrs: Map<string, string> },
): Promise<Desired> {
  const hubs = await collect(ports.list(net, { device_owner: HUB_OWNER, 'binding:host_id': o.host }));
  // A hub added to a router becomes a router_interface port of that router (its id, host and profile
  // kept): it is not gone, and its interface follows it into the router's namespace. Only looked up when
  // a hub we run is missing from the list, so a pass without one makes no extra call.
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
  const spokes = new Map<string, Port>();
  for (let i = 0; i < hubs.length; i += SPOKE_TAG_CHUNK) {
    const tagsAny = hubs.slice(i, i + SPOKE_TAG_CHUNK).map((h) => peerTag(h.id));
    for await (const s of ports.list(net, { device_owner: SPOKE_OWNER, 'tags-any': tagsAny }))
      spokes.set(s.id, s);
  }
  const missing = [...new Set(hubs.flatMap((h) => h.fixed_ips.map((f) => f.subnet_id)))].filter(
    (id) => !o.cidrs.has(id),
  );
  if (missing.length > 0)
    for (const s of await collect(subnets.list(net, { ids: missing, fields: ['id', 'cidr'] })))
      o.cidrs.set(s.id, s.cidr);

  const spokeErrors = new Map<string, string>();
  const parsed = new Map<string, SpokeProfile>();
  for (const s of spokes.values()) {
    const p = parseSpokeProfile(s['binding:profile'] ?? {});
    if (p.ok) parsed.set(s.id, p.value);
    else spokeErrors.set(s.id, `${p.field}: ${p.reason}`);
  }
  return { hubs, routed, spokes, parsed, spokeErrors };
}

/** The hub's addresses with their mesh subnet's prefix length (empty: on no known subnet). */
export function hubAddresses(hub: Port, cidrs: Map<string, string>): string[] {
  const out: string[] = [];
  for (const f of hub.fixed_ips) {
    const cidr = cidrs.get(f.subnet_id);
    if (cidr) out.push(`${f.ip_address.toLowerCase()}/${cidr.split('/')[1]}`);
  }
  return out;
}

/** The peers `hub` should have, by public key; spokes that fail a check go to `d.spokeErrors`. */
export async function wantPeers(hub: Port, d: Desired, host: string): Promise<Map<string, WantPeer>> {
  const want = new Map<string, WantPeer>();
  for (const s of d.spokes.values()) {
    const p = d.parsed.get(s.id);
    if (!p?.peers.includes(hub.id)) continue;
    if (s.network_id !== hub.network_id) {
      d.spokeErrors.set(s.id, `network_id: the spoke is not on hub ${hub.id}'s network`);
      continue;
    }
    const off = s.fixed_ips.find((f) => !hub.fixed_ips.some((h) => h.subnet_id === f.subnet_id));
    if (off || s.fixed_ips.length === 0) {
      d.spokeErrors.set(s.id, `fixed_ips: ${off?.ip_address ?? 'none'} is not on a subnet of hub ${hub.id}`);
      continue;
    }
    const clash = [...want.values()].find((w) => d.parsed.get(w.spoke)?.publicKey === p.publicKey);
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
