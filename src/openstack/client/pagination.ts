/**
 * Lists as async iterators that follow the service's own "next" links: Neutron's `<key>_links` (rel=next,
 * limit/marker) and Keystone's `links.next`. Pages are fetched lazily, one at a time.
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
    next = nextLink(body, key);
    if (items.length === 0) return;
  }
}

function nextLink(body: Record<string, unknown>, key: string): string | undefined {
  const neutron = body[`${key}_links`];
  if (Array.isArray(neutron)) {
    return (neutron as Link[]).find((l) => l.rel === 'next')?.href;
  }
  const links = body.links as { next?: string | null } | undefined;
  return links?.next ?? undefined;
}

/** All items of an async iterable, in order. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
