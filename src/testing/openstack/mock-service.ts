/**
 * Offline request-shape tests (tests only): a ServiceClient whose transport is undici's MockAgent, so a
 * test says which requests a call must send and what the service answers, as gophercloud's fixtures do.
 * A request no route matches gets a 501 naming it (and the routes there are), so a wrong path, query key or
 * method fails the test at once, without a lab. Every request is recorded with its headers and body.
 *
 * @example
 *   const mock = mockService('network', 'http://neutron.test:9696/v2.0/');
 *   mock.on('GET', '/v2.0/ports?limit=2', { body: { ports: [] } });
 *   await collect(ports.list(mock.client, { limit: 2 }));
 *   await mock.close();
 */
import { afterEach } from 'node:test';
import { MockAgent } from 'undici';
import { monotonicNow, type Token } from '../../openstack/auth/token.ts';
import { TokenManager } from '../../openstack/auth/token-manager.ts';
import { ServiceClient } from '../../openstack/client/service-client.ts';
import { Transport } from '../../openstack/http/transport.ts';

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MockRequest {
  method: string;
  /** Path and query as sent, the query's keys sorted (so tests compare it as a string). */
  url: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or the text. */
  body: unknown;
}

type Responder = MockReply | ((req: MockRequest) => MockReply);

export const MOCK_TOKEN = 'mock-token-value';

const TOKEN: Token = {
  value: MOCK_TOKEN,
  issuedAt: new Date(),
  expiresAt: new Date(Date.now() + 3_600_000),
  receivedAt: monotonicNow(),
  userId: 'u-mock',
  userName: 'mock',
  projectId: 'p-mock',
  projectName: 'mock',
  domainId: 'default',
  roles: ['member'],
  catalog: [],
};

/** `/path?b=2&a=1` as `/path?a=1&b=2`: the form requests and routes are compared in. */
export function sortedPath(pathWithQuery: string): string {
  const u = new URL(pathWithQuery, 'http://x');
  u.searchParams.sort();
  const q = u.searchParams.toString();
  return q ? `${u.pathname}?${q}` : u.pathname;
}

export class MockService {
  readonly agent: MockAgent;
  readonly transport: Transport;
  readonly tokens: TokenManager;
  readonly client: ServiceClient;
  /** Every request the client sent, in order. */
  readonly requests: MockRequest[] = [];
  private readonly routes = new Map<string, Responder[]>();

  constructor(serviceType: string, endpoint: string, headers?: Record<string, string>) {
    this.agent = new MockAgent();
    this.agent.disableNetConnect();
    // no retries: a refused or unmatched request must fail the test at once
    this.transport = new Transport({ timeoutMs: 5_000, dispatcher: this.agent, retry: { retries: 0 } });
    this.tokens = new TokenManager(async () => TOKEN);
    this.client = new ServiceClient(serviceType, endpoint, this.transport, this.tokens, {
      ...(headers ? { headers } : {}),
    });
    this.agent
      .get(new URL(endpoint).origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => this.answer(opts))
      .persist();
  }

  /**
   * Answers `METHOD pathWithQuery` (an absolute path on the endpoint's origin). Several replies are given in
   * turn, the last one again for every later request.
   */
  on(method: string, pathWithQuery: string, ...replies: Responder[]): this {
    this.routes.set(`${method} ${sortedPath(pathWithQuery)}`, replies);
    return this;
  }

  /** The requests as "METHOD path?query" lines. */
  lines(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url}`);
  }

  /** Something with a transport, tokens and service clients, as a Cloud has (for code that takes a Cloud). */
  asCloud(): { transport: Transport; tokens: TokenManager; service(type: string): Promise<ServiceClient> } {
    return { transport: this.transport, tokens: this.tokens, service: async () => this.client };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private answer(opts: { path: string; method: string; headers?: unknown; body?: unknown }): {
    statusCode: number;
    data: string;
    responseOptions: { headers: Record<string, string> };
  } {
    const req: MockRequest = {
      method: opts.method,
      url: sortedPath(opts.path),
      headers: lowerHeaders(opts.headers),
      body: parseBody(opts.body),
    };
    this.requests.push(req);
    const replies = this.routes.get(`${req.method} ${req.url}`);
    const nth = this.requests.filter((r) => r.method === req.method && r.url === req.url).length - 1;
    const responder = replies?.[Math.min(nth, replies.length - 1)];
    const reply: MockReply = responder
      ? typeof responder === 'function'
        ? responder(req)
        : responder
      : {
          status: 501,
          body: {
            error: {
              message: `mock: no route for ${req.method} ${req.url} (routes: ${[...this.routes.keys()].join('; ') || 'none'})`,
            },
          },
        };
    const status = reply.status ?? 200;
    const hasBody = reply.body !== undefined;
    return {
      statusCode: status,
      data: hasBody ? JSON.stringify(reply.body) : '',
      responseOptions: {
        headers: {
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          'x-openstack-request-id': `req-mock-${this.requests.length}`,
          ...reply.headers,
        },
      },
    };
  }
}

/** A MockService for one service endpoint; close it in `after`. */
export function mockService(
  serviceType: string,
  endpoint: string,
  headers?: Record<string, string>,
): MockService {
  return new MockService(serviceType, endpoint, headers);
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  const entries: [string, unknown][] = Array.isArray(h)
    ? pairs(h)
    : h instanceof Headers
      ? [...h.entries()]
      : Object.entries(h as Record<string, unknown>);
  for (const [k, v] of entries) out[k.toLowerCase()] = String(v);
  return out;
}

function pairs(flat: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

function parseBody(body: unknown): unknown {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * mockService for a test file: every MockService it makes is closed after each test.
 *
 * @example
 *   const serve = mockServicePerTest();
 *   test('…', async () => { const mock = serve('network', EP).on('GET', '/v2.0/ports', { body: { ports: [] } }); });
 */
export function mockServicePerTest(): typeof mockService {
  const open: MockService[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((m) => m.close()));
  });
  return (serviceType, endpoint, headers) => {
    const m = mockService(serviceType, endpoint, headers);
    open.push(m);
    return m;
  };
}
