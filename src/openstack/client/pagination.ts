/**
 * Lists as async iterators that follow the service's own "next" links: Neutron's, Nova's and Cinder's
 * `<key>_links` (rel=next, limit/marker), Keystone's `links.next` and Glance's top-level `next`. Pages are
 * fetched lazily, one at a time. A link is always followed on the client's endpoint (see onEndpoint).
 *
 * @example
 *   for await (const port of paginate<Port>(net, 'ports', 'ports', { network_id: id, limit: 50 })) { ... }
 */
import type { QueryValue, ServiceClient } from './service-client.ts';

interface Link {
  rel: string;
  href: string;
}

export async function* paginate<T>(
  client: ServiceClient,
  path: string,
  key: string,
  query?: Record<string, QueryValue>,
): AsyncGenerator<T, void, undefined> {
  let next: string | undefined = client.url(path, query);
  const seen = new Set<string>();
  while (next) {
    if (seen.has(next)) return; // a service that links a page to itself would loop forever
    seen.add(next);
    const { body } = await client.get<Record<string, unknown>>(next);
    const items = body?.[key];
    if (!Array.isArray(items)) {
      throw new TypeError(`GET ${path}: the answer has no "${key}" list`);
    }
    for (const item of items) yield item as T;
    if (items.length === 0) return;
    const link = nextLink(body, key);
    next = link === undefined ? undefined : onEndpoint(client.endpoint, link);
  }
}

function nextLink(body: Record<string, unknown>, key: string): string | undefined {
  const own = body[`${key}_links`];
  if (Array.isArray(own)) {
    return (own as Link[]).find((l) => l.rel === 'next')?.href;
  }
  const links = body.links as { next?: unknown } | undefined;
  if (links && typeof links === 'object' && !Array.isArray(links)) {
    return typeof links.next === 'string' && links.next !== '' ? links.next : undefined;
  }
  // Glance: {"images": [...], "next": "/v2/images?marker=..."}
  return typeof body.next === 'string' && body.next !== '' ? body.next : undefined;
}

/**
 * A next link as a URL on `endpoint`. Services write links as they see themselves: behind a proxy that
 * terminates TLS or adds a path prefix, Neutron links to http://10.0.0.5:9696/v2.0/ports?marker=… while the
 * client talks to https://cloud.example/network/v2.0/. Such a link keeps its path below the API version
 * and its query, rebased onto the endpoint; the token is only ever sent to the endpoint's origin.
 *
 * @example
 *   onEndpoint('https://c.example/network/v2.0/', 'http://10.0.0.5:9696/v2.0/ports?marker=x')
 *   // 'https://c.example/network/v2.0/ports?marker=x'
 */
export function onEndpoint(endpoint: string, href: string): string {
  const base = new URL(endpoint);
  const link = new URL(href, base);
  if (link.origin === base.origin && link.pathname.startsWith(base.pathname)) return link.toString();
  const basePath = base.pathname.split('/').filter(Boolean);
  const linkPath = link.pathname.split('/').filter(Boolean);
  // the longest tail of the endpoint's path the link's path starts with ("v2.0" above) is where they meet
  let overlap = 0;
  for (let k = Math.min(basePath.length, linkPath.length); k > 0; k--) {
    if (basePath.slice(-k).join('/') === linkPath.slice(0, k).join('/')) {
      overlap = k;
      break;
    }
  }
  const out = new URL(base.origin);
  out.pathname = `/${[...basePath, ...linkPath.slice(overlap)].join('/')}`;
  out.search = link.search;
  return out.toString();
}

/** All items of an async iterable, in order. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
