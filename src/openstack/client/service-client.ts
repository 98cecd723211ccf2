/**
 * A client for one OpenStack service endpoint: adds the token, encodes query and JSON body (or sends a raw
 * Buffer/stream body with its content-type), re-authenticates once on 401, and turns non-2xx answers into
 * typed errors. Retries live in the Transport.
 *
 * @example
 *   const net = await cloud.network();
 *   const { body } = await net.get<{ port: Port }>(`ports/${id}`);
 *   await image.put(`images/${id}/file`, { rawBody: createReadStream(path), contentType: 'application/octet-stream' });
 *   const { body: data } = await image.get<Readable>(`images/${id}/file`, { stream: true });
 */
import { OsnetError } from '../../lib/errors.ts';
import type { TokenManager } from '../auth/token-manager.ts';
import { errorForStatus, parseServiceError } from '../http/errors.ts';
import type { RequestBody, Transport, TransportResponse } from '../http/transport.ts';

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
  /**
   * A body sent as is instead of `body` (Glance image data): text or bytes are re-sent on a retry, a stream
   * is sent once. Goes with `contentType`.
   */
  rawBody?: RequestBody | undefined;
  /** Content-Type of `rawBody` (default application/octet-stream). */
  contentType?: string | undefined;
  /** Return a 2xx answer's body as a Readable stream, unbuffered (error answers are still parsed). */
  stream?: boolean | undefined;
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

function isStream(body: RequestBody | undefined): boolean {
  return body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
}

function isConditional(method: string, headers: Record<string, string>): boolean {
  return method !== 'GET' && method !== 'HEAD' && Object.keys(headers).some((h) => /^if-/i.test(h));
}

/** The service's message, plus what the caller cannot otherwise tell from the status alone. */
function explain(
  status: number,
  message: string | undefined,
  how: { streamed: boolean; conditional: boolean },
): string | undefined {
  if (status === 401 && how.streamed) {
    // the stream was consumed by the refused attempt: it cannot be sent again with the new token
    return `${message ?? 'HTTP 401'} (a new token was issued; a streamed body is sent once: call again)`;
  }
  if (how.conditional && (status === 502 || status === 503 || status === 504)) {
    return `${message ?? `HTTP ${status}`} (a conditional write is not retried: it may or may not have been applied; read the resource to know)`;
  }
  return message;
}

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
      accept: opts.stream ? '*/*' : 'application/json',
      ...this.opts.headers,
      ...opts.headers,
    };
    let body: RequestBody | undefined;
    if (opts.rawBody !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
      body = opts.rawBody;
    } else if (opts.body !== undefined) {
      // a caller's own type stays (Glance's JSON patch is application/openstack-images-v2.1-json-patch)
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      body = JSON.stringify(opts.body);
    }
    const streamed = isStream(body);
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
        stream: opts.stream,
        service: this.serviceType,
      });
      if (res.status === 401 && reauth === 0) {
        // the token was revoked or expired early: one fresh token, shared by concurrent callers, then one retry
        token = await this.tokens.renew(token);
        if (!streamed) continue;
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
        serviceMessage: explain(res.status, message, {
          streamed,
          conditional: isConditional(method, headers),
        }),
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
