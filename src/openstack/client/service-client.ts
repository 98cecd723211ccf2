/**
 * A client for one OpenStack service endpoint: adds the token, encodes query and JSON body, re-authenticates
 * once on 401, and turns non-2xx answers into typed errors. Retries live in the Transport.
 *
 * @example
 *   const net = await cloud.network();
 *   const { body } = await net.get<{ port: Port }>(`ports/${id}`);
 */
import { OsnetError } from '../../lib/errors.ts';
import type { TokenManager } from '../auth/token-manager.ts';
import type { Transport, TransportResponse } from '../http/transport.ts';
import { errorForStatus, parseServiceError } from './errors.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue =
  | string
  | number
  | boolean
  | readonly (string | number | boolean)[]
  | null
  | undefined;

export interface RequestOptions {
  /** Arrays become repeated keys (Neutron filters, `fields=`); null/undefined are left out. */
  query?: Record<string, QueryValue> | undefined;
  /** JSON-encoded into the request body. */
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** Default: true for GET/HEAD/PUT/DELETE, false for POST/PATCH. Only idempotent calls are retried. */
  idempotent?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  requestId: string | undefined;
}

export interface ServiceClientOptions {
  /** Answers worth retrying for this service (idempotent calls only), e.g. Neutron's transient 409s. */
  retriable?: (res: TransportResponse) => boolean;
  /** Headers sent with every call (e.g. a microversion). */
  headers?: Record<string, string>;
}

const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'PUT', 'DELETE']);

export class ServiceClient {
  readonly serviceType: string;
  /** Absolute, ends with '/'. */
  readonly endpoint: string;
  private readonly transport: Transport;
  private readonly tokens: TokenManager;
  private readonly opts: ServiceClientOptions;

  constructor(
    serviceType: string,
    endpoint: string,
    transport: Transport,
    tokens: TokenManager,
    opts: ServiceClientOptions = {},
  ) {
    this.serviceType = serviceType;
    this.endpoint = endpoint;
    this.transport = transport;
    this.tokens = tokens;
    this.opts = opts;
  }

  /** The absolute URL of `path` (relative to the endpoint, or absolute on the same origin) with its query. */
  url(path: string, query?: Record<string, QueryValue>): string {
    const u = new URL(path.replace(/^\/+/, ''), this.endpoint);
    const base = new URL(this.endpoint);
    if (u.origin !== base.origin) {
      // never send our token to another host (a pagination link could point anywhere)
      throw new OsnetError(
        'OSNET_ERR_OS_UNEXPECTED',
        `refusing ${u.origin}: not on the ${this.serviceType} endpoint ${base.origin} (the token is only sent there)`,
      );
    }
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
      else u.searchParams.append(k, String(v));
    }
    return u.toString();
  }

  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = this.url(path, opts.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.opts.headers,
      ...opts.headers,
    };
    let body: string | undefined;
    if (opts.body !== undefined) {
      // a caller's own type stays (Glance's JSON patch is application/openstack-images-v2.1-json-patch)
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      body = JSON.stringify(opts.body);
    }
    const idempotent = opts.idempotent ?? IDEMPOTENT.has(method);
    let token = await this.tokens.get();
    for (let reauth = 0; ; reauth++) {
      const res = await this.transport.send({
        method,
        url,
        headers: { ...headers, 'x-auth-token': token.value },
        body,
        idempotent,
        timeoutMs: opts.timeoutMs,
        retriable: this.opts.retriable,
      });
      if (res.status === 401 && reauth === 0) {
        // the token was revoked or expired early: one fresh token, shared by concurrent callers, then one retry
        token = await this.tokens.renew(token);
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        return { status: res.status, headers: res.headers, body: res.body as T, requestId: res.requestId };
      }
      const { message, type } = parseServiceError(res.body);
      throw errorForStatus({
        status: res.status,
        method,
        url,
        requestId: res.requestId,
        serviceMessage: message,
        serviceType: type,
      });
    }
  }

  get<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, opts);
  }
  post<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, opts);
  }
  put<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, opts);
  }
  patch<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, opts);
  }
  delete<T = unknown>(path: string, opts?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, opts);
  }
}
