/**
 * Keystone v3 service catalog: find the endpoint of a service type for a region and interface, and append
 * the API version the client speaks when the catalog URL is unversioned (Neutron is usually listed as
 * http://host:9696, the client needs http://host:9696/v2.0/).
 *
 * @example
 *   const url = endpointFor(token.catalog, { type: 'network', interface: 'public', region: 'RegionOne' });
 */
import { OsnetError } from '../../lib/errors.ts';
import type { EndpointInterface } from '../config/types.ts';

export interface CatalogEndpoint {
  id: string;
  interface: EndpointInterface;
  region: string | null;
  region_id: string | null;
  url: string;
}

export interface CatalogService {
  id: string;
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface EndpointQuery {
  type: string;
  interface: EndpointInterface;
  region?: string | undefined;
}

/** Service types that name the same API (openstacksdk's service-types-authority aliases, the ones in use). */
const ALIASES: Record<string, string[]> = {
  'block-storage': ['volumev3', 'volumev2', 'volume'],
  volumev3: ['block-storage'],
  compute: [],
  network: [],
  identity: [],
  image: [],
  placement: [],
};

/** The API version suffix each client speaks; '' = use the catalog URL as it is. */
const VERSION_SUFFIX: Record<string, string> = {
  network: 'v2.0',
  identity: 'v3',
  image: 'v2',
};

export function endpointFor(catalog: readonly CatalogService[], q: EndpointQuery): string {
  const types = [q.type, ...(ALIASES[q.type] ?? [])];
  const services = types.flatMap((t) => catalog.filter((s) => s.type === t));
  if (services.length === 0) {
    const have = [...new Set(catalog.map((s) => s.type))].sort().join(', ') || 'none';
    throw new OsnetError(
      'OSNET_ERR_OS_ENDPOINT',
      `the catalog has no "${q.type}" service (it has: ${have})`,
      {
        field: 'service_type',
      },
    );
  }
  const candidates = services.flatMap((s) => s.endpoints);
  const match = candidates.find(
    (e) => e.interface === q.interface && (!q.region || e.region_id === q.region || e.region === q.region),
  );
  if (!match) {
    const have = candidates.map((e) => `${e.interface}@${e.region_id ?? e.region ?? '-'}`).join(', ');
    throw new OsnetError(
      'OSNET_ERR_OS_ENDPOINT',
      `no ${q.interface} "${q.type}" endpoint${q.region ? ` in region ${q.region}` : ''} (catalog has: ${have})`,
      { field: q.region ? 'region_name' : 'interface' },
    );
  }
  return withVersion(match.url, q.type);
}

/** Appends the client's API version unless the URL already ends in a version segment; always ends with '/'. */
export function withVersion(url: string, type: string): string {
  const suffix = VERSION_SUFFIX[type] ?? '';
  const base = url.replace(/\/+$/, '');
  const last = base.slice(base.lastIndexOf('/') + 1);
  if (!suffix || /^v\d+(\.\d+)?$/.test(last)) return `${base}/`;
  return `${base}/${suffix}/`;
}
