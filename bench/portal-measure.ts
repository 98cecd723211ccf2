/**
 * Pieces the portal benchmarks share: sequential GETs of one path over the portal's loopback HTTP
 * (requests per second, p50, p99, the list's X-Result-Count), and every OpenStack call of a Cloud counted
 * by service and method. Figures only, no thresholds.
 *
 * @example
 *   const f = await measure(p, '/api/openstack-ports/', staff, 200);
 *   console.log(`${f.rps} req/s, p99 ${f.p99} ms`);
 */
import { sql } from 'kysely';
import type { Cloud } from '../src/openstack/client/cloud.ts';
import { countingClient } from '../src/testing/openstack/counting-client.ts';
import type { TestPortal } from '../src/testing/portal/client.ts';

export interface Figures {
  rps: string;
  p50: string;
  p99: string;
  /** The list's X-Result-Count of the last answer ('' when the route does not count). */
  count: string;
}

/**
 * After a bulk seed: on PostgreSQL, what autovacuum does within a minute of a bulk load (VACUUM ANALYZE:
 * statistics for the planner, the visibility map for index-only scans); measured before it, every plan
 * is the no-statistics guess (a sort of the whole kind). SQLite keeps no statistics unless asked, and a
 * deployment does not ask: nothing to do there.
 */
export async function settle(p: TestPortal): Promise<void> {
  // the whole (throwaway) database: a few tables, every one the lists read
  if (p.store.kind === 'postgres') await sql`VACUUM ANALYZE`.execute(p.store.db);
}

/** The path and query of the `rel` link of `path`'s answer (the keyset next of a deep page, say). */
export async function linkOf(p: TestPortal, path: string, token: string, rel: string): Promise<string> {
  const r = await p.api('GET', path, { token });
  const m = new RegExp(`<([^>]+)>; rel="${rel}"`).exec(r.headers.get('link') ?? '');
  if (!m) throw new Error(`${path}: no ${rel} link`);
  const u = new URL(m[1]!);
  return `${u.pathname}${u.search}`;
}

/** `requests` GETs of `path` one after another, after 5 to warm up; any answer but 200 throws. */
export async function measure(
  p: TestPortal,
  path: string,
  token: string,
  requests: number,
): Promise<Figures> {
  for (let i = 0; i < 5; i++) await p.api('GET', path, { token });
  const times: number[] = [];
  let count = '';
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const s = performance.now();
    const r = await p.api('GET', path, { token });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    times.push(performance.now() - s);
    count = r.headers.get('x-result-count') ?? '';
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]!.toFixed(1);
  return { rps: ((requests * 1000) / total).toFixed(0), p50: q(0.5), p99: q(0.99), count };
}

/** Records every call of every service client of `cloud` as "service METHOD" into `calls` (returned). */
export function countCalls(cloud: Cloud, calls: string[] = []): string[] {
  const service = cloud.service.bind(cloud);
  const wrapped = new Map<string, Awaited<ReturnType<Cloud['service']>>>();
  cloud.service = async (type: string) => {
    const have = wrapped.get(type);
    if (have) return have;
    const c = countingClient(await service(type));
    const push = c.calls.push.bind(c.calls);
    c.calls.push = (...xs: string[]) => {
      for (const x of xs) calls.push(`${type} ${x.split(' ')[0]}`);
      return push(...xs);
    };
    wrapped.set(type, c.client);
    return c.client;
  };
  return calls;
}

/** "network GET 3, identity POST 1" */
export function callSummary(calls: readonly string[]): string {
  const by = new Map<string, number>();
  for (const c of calls) by.set(c, (by.get(c) ?? 0) + 1);
  return [...by.entries()]
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
