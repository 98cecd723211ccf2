/**
 * Microversions (Nova, Cinder, Placement, Manila, Ironic): read what a service supports from its version
 * document, pick the highest version both sides speak within the caller's [min, max], and send it on every
 * call of that service's client, as keystoneauth and gophercloud do. A service that cannot meet the range
 * fails at once with an error naming both ranges, not later with a 406 on some call.
 *
 * @example
 *   const nova = await microversionClient(cloud, 'compute', { min: '2.1', max: '2.79' });
 *   nova.microversion; // '2.79' on a cloud that supports it
 */
import { OsnetError } from '../../lib/errors.ts';
import type { TokenManager } from '../auth/token-manager.ts';
import type { Transport } from '../http/transport.ts';
import { NotFoundError, UnexpectedResponseError } from './errors.ts';
import { ServiceClient, type ServiceClientOptions } from './service-client.ts';

/** A microversion as [major, minor]. */
export type Version = readonly [number, number];

/** What the caller can work with: every version from `min` to `max` ("2.1", "2.79"). */
export interface MicroversionRange {
  min: string;
  max: string;
}

/** One entry of a version document: its id ("v2.1") and the microversions it supports, if any. */
export interface VersionEntry {
  id: string;
  status: string | undefined;
  /** Undefined when the API version has no microversions (Cinder's v2, an empty "version"). */
  min: string | undefined;
  max: string | undefined;
}

/** The header names a service reads its microversion from. */
const LEGACY_HEADER: Record<string, string> = {
  compute: 'X-OpenStack-Nova-API-Version',
  'shared-file-system': 'X-OpenStack-Manila-API-Version',
  sharev2: 'X-OpenStack-Manila-API-Version',
  baremetal: 'X-OpenStack-Ironic-API-Version',
};

/** The service type named in `OpenStack-API-Version` (Cinder calls itself "volume" there). */
const HEADER_SERVICE: Record<string, string> = {
  'block-storage': 'volume',
  volumev3: 'volume',
  volume: 'volume',
  sharev2: 'shared-file-system',
};

/** "2.79" as [2, 79]; OSNET_ERR_VALIDATION naming `field` when it is not MAJOR.MINOR. */
export function parseVersion(value: unknown, field: string): Version {
  const m = typeof value === 'string' ? /^v?(\d+)\.(\d+)$/.exec(value.trim()) : null;
  if (!m) {
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `${field}: must be a version like "2.79" (got ${JSON.stringify(value)})`,
      {
        field,
      },
    );
  }
  return [Number(m[1]), Number(m[2])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1];
}

function show(v: Version): string {
  return `${v[0]}.${v[1]}`;
}

/**
 * The entries of a version document: the single `version` of a versioned endpoint (Nova's GET /v2.1/) or the
 * `versions` list of a root (Cinder's GET /v3/, Placement's GET /, Manila's GET /v2/). The maximum is
 * `version` (Nova, Cinder, Manila) or `max_version` (Placement); an empty string means no microversions.
 */
export function parseVersionDocument(body: unknown): VersionEntry[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const raw = b.version && typeof b.version === 'object' ? [b.version] : b.versions;
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object' && Array.isArray((raw as { values?: unknown }).values)
      ? ((raw as { values: unknown[] }).values as unknown[]) // Keystone's {"versions": {"values": [...]}}
      : [];
  return list.flatMap((e): VersionEntry[] => {
    if (!e || typeof e !== 'object') return [];
    const o = e as Record<string, unknown>;
    if (typeof o.id !== 'string') return [];
    const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
    return [
      {
        id: o.id,
        status: text(o.status),
        min: text(o.min_version),
        max: text(o.max_version) ?? text(o.version),
      },
    ];
  });
}

/** The entry for the API version an endpoint is on ("…/v3/<project>" is v3), else the CURRENT one. */
export function entryFor(entries: readonly VersionEntry[], endpoint: string): VersionEntry | undefined {
  const seg = new URL(endpoint).pathname.split('/').find((s) => /^v\d+(\.\d+)?$/.test(s));
  const major = seg ? Number(/^v(\d+)/.exec(seg)?.[1]) : undefined;
  const sameMajor = entries.filter((e) => major === undefined || Number(/^v(\d+)/.exec(e.id)?.[1]) === major);
  return (
    sameMajor.find((e) => e.status?.toUpperCase() === 'CURRENT') ??
    sameMajor.find((e) => e.status?.toUpperCase() === 'SUPPORTED') ??
    sameMajor[0]
  );
}

/**
 * The highest version in both the service's [min, max] and the caller's; an OSNET_ERR_UNSUPPORTED error
 * naming both ranges when there is none.
 *
 * @example
 *   negotiate({ id: 'v2.1', status: 'CURRENT', min: '2.1', max: '2.90' }, { min: '2.60', max: '2.79' }, 'compute') // '2.79'
 */
export function negotiate(entry: VersionEntry, want: MicroversionRange, what: string): string {
  const lo = parseVersion(want.min, 'microversion.min');
  const hi = parseVersion(want.max, 'microversion.max');
  if (compare(lo, hi) > 0) {
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `microversion.min ${want.min} is above microversion.max ${want.max}`,
      {
        field: 'microversion.min',
      },
    );
  }
  const wanted = `${show(lo)} to ${show(hi)}`;
  if (entry.max === undefined) {
    throw new OsnetError(
      'OSNET_ERR_UNSUPPORTED',
      `${what} API ${entry.id} has no microversions; osnet needs ${wanted}`,
      { field: 'microversion' },
    );
  }
  const smax = parseVersion(entry.max, `${what} max_version`);
  const smin = entry.min === undefined ? smax : parseVersion(entry.min, `${what} min_version`);
  const best = compare(hi, smax) < 0 ? hi : smax;
  const floor = compare(lo, smin) > 0 ? lo : smin;
  if (best[0] !== floor[0] || compare(best, floor) < 0) {
    throw new OsnetError(
      'OSNET_ERR_UNSUPPORTED',
      `${what} API ${entry.id} supports microversions ${show(smin)} to ${show(smax)}; osnet needs ${wanted}`,
      { field: 'microversion' },
    );
  }
  return show(best);
}

/** The headers that carry `version` to a service of this type. */
export function microversionHeaders(serviceType: string, version: string): Record<string, string> {
  const headers: Record<string, string> = {
    'OpenStack-API-Version': `${HEADER_SERVICE[serviceType] ?? serviceType} ${version}`,
  };
  const legacy = LEGACY_HEADER[serviceType];
  if (legacy) headers[legacy] = version;
  return headers;
}

/**
 * The version entry of the API a client's endpoint is on. Tries the endpoint itself (Nova's
 * http://nova:8774/v2.1/), then each parent path up to the root: Cinder's endpoint ends in the project id
 * (…/v3/<project>/) and its document is at …/v3/; Placement's is at its root.
 */
export async function discoverVersion(client: ServiceClient): Promise<VersionEntry> {
  const tried: string[] = [];
  for (let url: URL | undefined = new URL(client.endpoint); url; url = parent(url)) {
    tried.push(url.pathname);
    let body: unknown;
    try {
      body = (await client.get(url.toString())).body;
    } catch (e) {
      // another path of the same service may hold the document; anything else (401, 503) is an answer
      if (e instanceof NotFoundError || e instanceof UnexpectedResponseError) continue;
      throw e;
    }
    const entry = entryFor(parseVersionDocument(body), client.endpoint);
    if (entry) return entry;
  }
  throw new OsnetError(
    'OSNET_ERR_OS_UNEXPECTED',
    `${client.serviceType}: no version document at ${new URL(client.endpoint).origin} (tried ${tried.join(', ')})`,
    { field: 'microversion' },
  );
}

function parent(url: URL): URL | undefined {
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts.length === 0) return undefined;
  const up = new URL(url.origin);
  up.pathname = parts.length > 1 ? `/${parts.slice(0, -1).join('/')}/` : '/';
  return up;
}

/** A ServiceClient that sends its negotiated microversion on every call. */
export class MicroversionClient extends ServiceClient {
  readonly microversion: string;

  constructor(
    serviceType: string,
    endpoint: string,
    transport: Transport,
    tokens: TokenManager,
    microversion: string,
    opts: ServiceClientOptions = {},
  ) {
    super(serviceType, endpoint, transport, tokens, {
      ...opts,
      headers: { ...opts.headers, ...microversionHeaders(serviceType, microversion) },
    });
    this.microversion = microversion;
  }
}

/** What microversionClient needs of a Cloud. */
export interface CloudLike {
  readonly transport: Transport;
  readonly tokens: TokenManager;
  service(type: string): Promise<ServiceClient>;
}

const negotiated = new WeakMap<CloudLike, Map<string, Promise<MicroversionClient>>>();

/**
 * The client of `serviceType` on `cloud` at the highest microversion both speak within `want`; negotiated
 * once per cloud, service type and range.
 *
 * @example
 *   const cinder = await microversionClient(cloud, 'block-storage', { min: '3.0', max: '3.60' });
 */
export function microversionClient(
  cloud: CloudLike,
  serviceType: string,
  want: MicroversionRange,
): Promise<MicroversionClient> {
  const key = `${serviceType} ${want.min} ${want.max}`;
  let perCloud = negotiated.get(cloud);
  if (!perCloud) {
    perCloud = new Map();
    negotiated.set(cloud, perCloud);
  }
  let client = perCloud.get(key);
  if (!client) {
    client = (async () => {
      const base = await cloud.service(serviceType);
      const version = negotiate(await discoverVersion(base), want, serviceType);
      return new MicroversionClient(serviceType, base.endpoint, cloud.transport, cloud.tokens, version);
    })();
    // a failed negotiation is not remembered: the next call asks again
    client.catch(() => perCloud?.delete(key));
    perCloud.set(key, client);
  }
  return client;
}
