/**
 * A typed client of the policy server's internal API (seed 003; the public v1 routes): mutual TLS with a
 * client certificate over undici, one keep-alive pool. The server pins TLS 1.2 and
 * ECDHE-RSA-AES128-GCM-SHA256 by default; Node's client offers that suite, so no client setting is needed.
 * Failures (handshake refused, no answer, a non-2xx, a body not of the API's shape) are
 * OSNET_ERR_POLICY_SERVER naming the route, never the key.
 *
 * @example
 *   const c = createPolicyClient({ url: 'https://policy.internal:4003', ca, cert, key });
 *   const { tag } = await c.tag('d5bbc5ed-886a-44e6-945d-67df1013fa16');
 *   const { policies } = await c.policies(['d5bbc5ed-886a-44e6-945d-67df1013fa16']);
 *   await c.close();
 */
import { Agent, request } from 'undici';
import { OsnetError } from '../lib/errors.ts';
import type { Protocol } from './model.ts';
import './enforce/error-codes.ts';

export interface PolicyClientOptions {
  /** Base URL of the internal listener, e.g. https://127.0.0.1:4003. */
  url: string;
  /** PEM: the CA the server's certificate chains to. */
  ca: string | Buffer;
  /** PEM: this client's certificate and key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** The name the server's certificate carries, when the URL's host is an address it does not list. */
  servername?: string;
}

/** One policy as v1 of the internal API gives it. */
export interface InternalPolicy {
  source: { id: string; tag: string };
  destination: { id: string; tag: string; protocol: Protocol; ports: { start: number; end: number } };
}

export interface PolicyList {
  policies: InternalPolicy[];
  /** Send back as `ifNoneMatch`; an unchanged list then answers `notModified: true` and no policies. */
  etag: string | undefined;
  notModified: boolean;
}

export interface PolicyClient {
  /** The group's tag, created by the server when the group is new (`PUT /networking/v1/internal/tags`). */
  tag(id: string, type?: string): Promise<{ id: string; tag: string; type: string }>;
  /** Policies whose source or destination is one of `ids` (all with no ids). */
  policies(ids?: readonly string[], o?: { ifNoneMatch?: string }): Promise<PolicyList>;
  /** Epoch seconds of the latest change. */
  lastUpdated(): Promise<number>;
  close(): Promise<void>;
}

const TAG = /^[0-9a-f]{4}$/;

function bad(route: string, why: string, cause?: unknown): OsnetError {
  return new OsnetError('OSNET_ERR_POLICY_SERVER', `policy server ${route}: ${why}`, {
    field: 'policy_server',
    ...(cause ? { cause } : {}),
  });
}

function isPolicy(p: unknown): p is InternalPolicy {
  const x = p as InternalPolicy;
  return (
    typeof x?.source?.id === 'string' &&
    typeof x.source.tag === 'string' &&
    typeof x.destination?.id === 'string' &&
    typeof x.destination.tag === 'string' &&
    (x.destination.protocol === 'tcp' || x.destination.protocol === 'udp') &&
    Number.isInteger(x.destination.ports?.start) &&
    Number.isInteger(x.destination.ports?.end)
  );
}

export function createPolicyClient(o: PolicyClientOptions): PolicyClient {
  const base = new URL(o.url);
  if (base.protocol !== 'https:')
    throw new OsnetError('OSNET_ERR_CONFIG', `policy server ${o.url}: the internal API is https only`, {
      field: 'policy_server',
    });
  const timeout = o.timeoutMs ?? 10_000;
  const agent = new Agent({
    connect: {
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      ...(o.servername ? { servername: o.servername } : {}),
    },
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connections: 4,
  });

  async function call(
    method: 'GET' | 'PUT',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown; etag: string | undefined }> {
    const route = `${method} ${path.split('?')[0]}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(new URL(path, base), {
        method,
        dispatcher: agent,
        headers: {
          accept: 'application/json',
          ...headers,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (e) {
      throw bad(route, `no answer (${(e as Error).message})`, e);
    }
    const text = await res.body.text().catch(() => '');
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
    if (res.statusCode === 304) return { status: 304, json: undefined, etag };
    if (res.statusCode < 200 || res.statusCode > 299)
      throw bad(route, `HTTP ${res.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`);
    try {
      return { status: res.statusCode, json: JSON.parse(text), etag };
    } catch (e) {
      throw bad(route, 'the answer is not JSON', e);
    }
  }

  return {
    async tag(id, type) {
      const { json } = await call('PUT', '/networking/v1/internal/tags', { id, ...(type ? { type } : {}) });
      const t = json as { id?: unknown; tag?: unknown; type?: unknown };
      if (t?.id !== id || typeof t.tag !== 'string' || !TAG.test(t.tag))
        throw bad('PUT /networking/v1/internal/tags', 'the answer has no tag for the id asked');
      return { id, tag: t.tag, type: typeof t.type === 'string' ? t.type : 'app' };
    },
    async policies(ids, opts = {}) {
      const q = ids?.length ? `?id=${ids.map(encodeURIComponent).join(',')}` : '';
      const { status, json, etag } = await call(
        'GET',
        `/networking/v1/internal/policies${q}`,
        undefined,
        opts.ifNoneMatch ? { 'if-none-match': opts.ifNoneMatch } : {},
      );
      if (status === 304) return { policies: [], etag: etag ?? opts.ifNoneMatch, notModified: true };
      const list = (json as { policies?: unknown })?.policies;
      if (!Array.isArray(list) || !list.every(isPolicy))
        throw bad('GET /networking/v1/internal/policies', 'the answer is not a list of v1 policies');
      return { policies: list, etag, notModified: false };
    },
    async lastUpdated() {
      const { json } = await call('GET', '/networking/v1/internal/policies_last_updated');
      if (typeof json !== 'number')
        throw bad('GET /networking/v1/internal/policies_last_updated', 'not a number');
      return json;
    },
    close: () => agent.close(),
  };
}
