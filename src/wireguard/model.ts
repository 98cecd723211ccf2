/**
 * The WireGuard model on Neutron (seed 002): hub and spoke ports told apart by device_owner, their settings
 * in binding:profile, and the names the agent derives from them. Everything here is pure: the CLI checks a
 * request with it before creating anything, the agent re-checks every port it reads (another tool may have
 * made it) and writes the reason back instead of applying it.
 *
 * @example
 *   const r = parseSpokeProfile(port['binding:profile'], 'binding:profile');
 *   if (!r.ok) console.log(r.field, r.reason);
 */
import { isIP } from 'node:net';
import { isKey } from './keys.ts';

export const HUB_OWNER = 'channel:wireguard:hub';
export const SPOKE_OWNER = 'channel:wireguard:spoke';
/**
 * Tag on a spoke per hub it peers with: the agent lists only the spokes of its own hubs with one
 * `tags-any` query instead of every spoke in the cloud.
 */
export const PEER_TAG_PREFIX = 'wg-peer:';
/** The tag an operator puts on a subnet set aside for the mesh (`openstack subnet set --tag wg-mesh`). */
export const MESH_TAG = 'wg-mesh';
/** Profile key where the agent writes why it skipped a port (created invalid by another tool). */
export const ERROR_KEY = 'osnet_wg_error';
/** Profile key with the spoke's tunnel status (handshake, bytes), written by the agent. */
export const STATUS_KEY = 'osnet_wg_status';
/** Hub profile key: the previous public key still accepted during a rotation, and until when. */
export const ROTATION_KEY = 'osnet_wg_rotation';
export const PORT_MIN = 51820;
export const PORT_MAX = 52819;

export function peerTag(hubId: string): string {
  return `${PEER_TAG_PREFIX}${hubId}`;
}

/** Interface of a hub: `wg-` and the start of the port id (Linux names are at most 15 characters). */
export function interfaceName(hubPortId: string): string {
  return `wg-${hubPortId.replace(/-/g, '').slice(0, 12)}`;
}

/** The hub's other interface name (`wr-` ↔ `wg-`): a rotation runs the new key beside the old one. */
export function otherInterfaceName(hubPortId: string, current: string): string {
  const base = interfaceName(hubPortId);
  return current === base ? `wr-${base.slice(3)}` : base;
}

export interface RotationRequest {
  requested_at: number;
  overlap_seconds: number;
  until?: number;
  done_at?: number;
  raw: Record<string, JsonLike>;
}
type JsonLike = string | number | boolean | null | JsonLike[] | { [k: string]: JsonLike };

/** The hub's rotation request (`osnet wg rotate`), or undefined when none or malformed. */
export function parseRotation(v: unknown): RotationRequest | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const r = v as Record<string, JsonLike>;
  if (!Number.isInteger(r.requested_at) || !Number.isInteger(r.overlap_seconds)) return undefined;
  return {
    requested_at: r.requested_at as number,
    overlap_seconds: r.overlap_seconds as number,
    ...(Number.isInteger(r.until) ? { until: r.until as number } : {}),
    ...(Number.isInteger(r.done_at) ? { done_at: r.done_at as number } : {}),
    raw: r,
  };
}

/** The per-project namespace hubs live in. */
export function projectNamespace(projectId: string): string {
  return `tun-${projectId}`;
}

export type Check<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

const fail = (field: string, reason: string): { ok: false; field: string; reason: string } => ({
  ok: false,
  field,
  reason,
});

export interface Endpoint {
  host: string;
  port: number;
}

/** `host:port`, `[v6]:port` (a bare v6 address is ambiguous and refused). */
export function parseEndpoint(s: unknown): Endpoint | string {
  if (typeof s !== 'string' || s === '') return 'must be a string host:port or [v6]:port';
  const m = /^\[([0-9A-Fa-f:.]+)\]:([0-9]{1,5})$/.exec(s) ?? /^([^:[\]\s]+):([0-9]{1,5})$/.exec(s);
  if (!m) return `"${s}" is not host:port or [v6]:port`;
  const host = m[1]!;
  const port = Number(m[2]);
  if (s.startsWith('[') && isIP(host) !== 6) return `"${host}" is not an IPv6 address`;
  if (!s.startsWith('[') && isIP(host) === 0 && !/^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.?)+$/.test(host))
    return `"${host}" is neither an IPv4 address nor a host name`;
  if (port < 1 || port > 65535) return `port ${port} is not within 1-65535`;
  return { host, port };
}

export function formatEndpoint(e: Endpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** An address prefix `a.b.c.d/n` or `v6/n`, normalised to lower case. */
export function parseCidr(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(s);
  if (!m) return undefined;
  const v = isIP(m[1]!);
  const n = Number(m[2]);
  if (v === 0 || n > (v === 4 ? 32 : 128)) return undefined;
  return `${m[1]!.toLowerCase()}/${n}`;
}

/** A host address as a one-address prefix (/32 or /128). */
export function hostPrefix(ip: string): string {
  return `${ip.toLowerCase()}/${isIP(ip) === 6 ? 128 : 32}`;
}

export interface SpokeProfile {
  publicKey: string;
  peers: string[];
  endpoint?: Endpoint;
  persistentKeepalive?: number;
  /** Where the PSK is: `file:/abs/path` on the network host. */
  presharedKeyRef?: string;
  allowedIps: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A PSK reference: only `file:/absolute/path`; a key itself must never be stored in Neutron. */
export function checkPskRef(v: unknown, field: string): Check<string> {
  if (typeof v !== 'string') return fail(field, 'must be a reference string file:/absolute/path');
  if (isKey(v)) return fail(field, 'looks like a key: store only a reference (file:/path), never the key');
  if (!/^file:\/[^\0]+$/.test(v) || v.includes('/../'))
    return fail(field, 'must be file:/absolute/path (a file on the network host holding the key)');
  return { ok: true, value: v };
}

export function checkKeepalive(v: unknown, field: string): Check<number> {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535)
    return fail(field, 'must be a whole number of seconds within 0-65535');
  return { ok: true, value: v as number };
}

/** Validates a spoke's binding:profile (keys under `field`). */
export function parseSpokeProfile(profile: unknown, field = 'binding:profile'): Check<SpokeProfile> {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile))
    return fail(field, 'must be an object');
  const p = profile as Record<string, unknown>;
  if (!isKey(p.public_key))
    return fail(`${field}.public_key`, 'must be a WireGuard public key (base64 of 32 bytes)');
  if (!Array.isArray(p.peers) || p.peers.length === 0)
    return fail(`${field}.peers`, 'must be a non-empty list of hub port ids');
  for (const [i, id] of p.peers.entries())
    if (typeof id !== 'string' || !UUID.test(id)) return fail(`${field}.peers[${i}]`, 'is not a port id');
  if (new Set(p.peers).size !== p.peers.length) return fail(`${field}.peers`, 'lists a hub twice');
  const out: SpokeProfile = { publicKey: p.public_key as string, peers: p.peers as string[], allowedIps: [] };
  if (p.endpoint !== undefined && p.endpoint !== null && p.endpoint !== '') {
    const e = parseEndpoint(p.endpoint);
    if (typeof e === 'string') return fail(`${field}.endpoint`, e);
    out.endpoint = e;
  }
  if (p.persistent_keepalive !== undefined) {
    const k = checkKeepalive(p.persistent_keepalive, `${field}.persistent_keepalive`);
    if (!k.ok) return k;
    out.persistentKeepalive = k.value;
  }
  if (p.preshared_key !== undefined) {
    const r = checkPskRef(p.preshared_key, `${field}.preshared_key`);
    if (!r.ok) return r;
    out.presharedKeyRef = r.value;
  }
  if (p.allowed_ips !== undefined) {
    if (!Array.isArray(p.allowed_ips)) return fail(`${field}.allowed_ips`, 'must be a list of prefixes');
    for (const [i, c] of p.allowed_ips.entries()) {
      const n = parseCidr(c);
      if (!n)
        return fail(`${field}.allowed_ips[${i}]`, `"${String(c)}" is not an address prefix (a.b.c.d/n)`);
      out.allowedIps.push(n);
    }
  }
  return { ok: true, value: out };
}

export interface HubProfile {
  publicKey?: string;
  endpoint?: Endpoint;
}

/** The hub's profile as the agent keeps it (public_key and endpoint written by the agent). */
export function parseHubProfile(profile: unknown, field = 'binding:profile'): Check<HubProfile> {
  if (profile === undefined || profile === null) return { ok: true, value: {} };
  if (typeof profile !== 'object' || Array.isArray(profile)) return fail(field, 'must be an object');
  const p = profile as Record<string, unknown>;
  const out: HubProfile = {};
  if (p.public_key !== undefined && p.public_key !== '') {
    if (!isKey(p.public_key)) return fail(`${field}.public_key`, 'is not a WireGuard public key');
    out.publicKey = p.public_key as string;
  }
  if (p.endpoint !== undefined && p.endpoint !== '') {
    const e = parseEndpoint(p.endpoint);
    if (typeof e === 'string') return fail(`${field}.endpoint`, e);
    out.endpoint = e;
  }
  return { ok: true, value: out };
}
