/**
 * The one HTTP core every OpenStack call goes through: pooled keep-alive connections, an answer timeout that
 * starts when the request is written, a User-Agent, and retries with full-jitter exponential backoff:
 * - a request that provably never left (connection refused, connect timeout, no free connection in time)
 *   is retried for any method, POST included;
 * - 429 is retried for any method (the service did not process it);
 * - 502/503/504, a connection lost after sending, and answers the caller marks retriable (Neutron's transient
 *   409s) only for idempotent requests that are not conditional: a retried If-Match write whose first attempt
 *   was applied would answer 412 for an update that succeeded;
 * - a streamed body is never sent twice once any of it was read.
 * Redirects are followed only on the same origin and only for GET/HEAD: the token must never travel elsewhere.
 *
 * @example
 *   const t = new Transport({ timeoutMs: 60_000, verify: true });
 *   const res = await t.send({ method: 'GET', url, headers: {}, idempotent: true });
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { OsnetError } from '../../lib/errors.ts';
import { type Logger, silentLogger } from '../../lib/log.ts';
import { redactText } from '../../lib/redact.ts';
import { type AttemptAnswer, AttemptFailure, attempt, isStreamBody, type RequestBody } from './attempt.ts';
import { DEFAULT_RETRY, type RetryPolicy, retryDelay } from './backoff.ts';
import { createDispatcher, type ProxySettings } from './dispatcher.ts';
import {
  NotSentError,
  type OpenStackErrorInfo,
  ServiceUnavailableError,
  TimeoutError,
  UnexpectedResponseError,
} from './errors.ts';
import { Limiter } from './limiter.ts';
import { USER_AGENT } from './user-agent.ts';

export type { RequestBody } from './attempt.ts';
export type { RetryPolicy } from './backoff.ts';

export interface TransportOptions {
  /** Time for the service to answer once the request is written. */
  timeoutMs: number;
  /** Longest wait for a free connection or concurrency slot before a request is given up as never sent. Default: timeoutMs. */
  queueTimeoutMs?: number | undefined;
  verify?: boolean | undefined;
  cacert?: string | undefined;
  /** Client certificate (and key) for mutual TLS to the API. */
  cert?: string | undefined;
  key?: string | undefined;
  proxy?: ProxySettings | undefined;
  /** Connections per origin of the own pool (default 16); ignored with `dispatcher`. */
  connections?: number | undefined;
  /**
   * A pool to use instead of an own one (shared by many Clouds, or undici's MockAgent in tests). TLS, proxy
   * and connection settings are then the dispatcher's, and close() leaves it open.
   */
  dispatcher?: Dispatcher | undefined;
  /** Most requests in flight at once per service type (a request's `service`); unlimited when absent. */
  concurrency?: Record<string, number> | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** Replaces the default `osnet/<version>`. */
  userAgent?: string | undefined;
  logger?: Logger | undefined;
  /** Sleep used between retries (tests may shorten it). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: RequestBody | undefined;
  idempotent: boolean;
  timeoutMs?: number | undefined;
  /** Extra retry rule for answers (e.g. Neutron 409 NetworkInUse); only consulted for idempotent requests. */
  retriable?: ((res: TransportResponse) => boolean) | undefined;
  /** Give a 2xx answer's body as a stream (Readable) instead of parsing it. */
  stream?: boolean | undefined;
  /** Service type, for the per-service concurrency limit. */
  service?: string | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, the text otherwise, undefined when empty; a Readable when streamed. */
  body: unknown;
  requestId: string | undefined;
  attempts: number;
}

const RETRY_STATUS = new Set([502, 503, 504]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const CONDITIONAL = ['if-match', 'if-none-match', 'if-unmodified-since'];

export class Transport {
  readonly timeoutMs: number;
  readonly queueTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: boolean;
  private readonly limiters = new Map<string, Limiter>();
  private readonly log: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: TransportOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.queueTimeoutMs = opts.queueTimeoutMs ?? opts.timeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.userAgent = opts.userAgent ?? USER_AGENT;
    this.log = opts.logger ?? silentLogger;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    for (const [service, n] of Object.entries(opts.concurrency ?? {})) {
      if (!Number.isInteger(n) || n < 1) {
        throw new OsnetError(
          'OSNET_ERR_CONFIG',
          `concurrency.${service} must be a positive integer, got ${n}`,
          {
            field: `concurrency.${service}`,
          },
        );
      }
      this.limiters.set(service, new Limiter(n));
    }
    this.ownDispatcher = opts.dispatcher === undefined;
    this.dispatcher =
      opts.dispatcher ??
      createDispatcher({
        verify: opts.verify,
        cacert: opts.cacert,
        cert: opts.cert,
        key: opts.key,
        proxy: opts.proxy,
        connections: opts.connections,
        connectTimeoutMs: Math.min(opts.timeoutMs, 10_000),
      });
  }

  async send(req: TransportRequest): Promise<TransportResponse> {
    let url = new URL(req.url);
    const origin = url.origin;
    for (let redirects = 0; ; redirects++) {
      const res = await this.sendOnce(req, url);
      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
      if (location === null) return res;
      const next = new URL(location, url);
      const info = { status: res.status, method: req.method, url: url.toString(), requestId: res.requestId };
      if (next.origin !== origin) {
        throw new UnexpectedResponseError({
          ...info,
          serviceMessage: `redirect to ${next.origin} refused: requests (and their token) go only to ${origin}`,
        });
      }
      if ((req.method !== 'GET' && req.method !== 'HEAD') || redirects >= MAX_REDIRECTS) {
        throw new UnexpectedResponseError({
          ...info,
          serviceMessage:
            redirects >= MAX_REDIRECTS
              ? `more than ${MAX_REDIRECTS} redirects`
              : `redirect of a ${req.method} to ${redactText(next.pathname)} not followed (only GET/HEAD are)`,
        });
      }
      url = next;
    }
  }

  private async sendOnce(req: TransportRequest, url: URL): Promise<TransportResponse> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const conditional =
      req.method !== 'GET' && req.method !== 'HEAD' && Object.keys(req.headers).some(isConditional);
    // a conditional write may only be repeated when the earlier attempt provably did nothing
    const repeatable = req.idempotent && !conditional;
    const streamBody = isStreamBody(req.body);
    const headers = { 'user-agent': this.userAgent, ...req.headers };
    const where = { method: req.method, url: url.toString() };
    for (let attemptNo = 1; ; attemptNo++) {
      const started = performance.now();
      const canRetry = attemptNo <= this.retry.retries;
      let answer: AttemptAnswer | undefined;
      let failure: AttemptFailure | undefined;
      let release: () => void = () => {};
      try {
        release = await this.slot(req.service);
        // the wait for a slot and for a connection share one limit
        const waited = performance.now() - started;
        answer = await attempt(this.dispatcher, {
          method: req.method,
          url,
          headers,
          body: req.body,
          timeoutMs,
          queueTimeoutMs: Math.max(1, Math.round(this.queueTimeoutMs - waited)),
          queueLimitMs: this.queueTimeoutMs,
          stream: req.stream === true,
        });
      } catch (e) {
        if (!(e instanceof AttemptFailure)) throw e;
        failure = e;
      }
      const ms = Math.round(performance.now() - started);
      if (answer) {
        const res = toResponse(answer, attemptNo);
        if (res.body && typeof (res.body as Readable).once === 'function') {
          (res.body as Readable).once('close', release);
        } else release();
        this.log.debug(
          {
            ...where,
            url: redactText(where.url),
            status: res.status,
            ms,
            attempt: attemptNo,
            requestId: res.requestId,
          },
          'http',
        );
        // a streamed body was consumed by this attempt: it cannot be sent again
        const again =
          !streamBody &&
          (res.status === 429 ||
            (repeatable && (RETRY_STATUS.has(res.status) || (req.retriable?.(res) ?? false))));
        if (!again || !canRetry) return res;
        await this.sleep(this.delay(attemptNo, res.headers));
        continue;
      }
      release();
      const f = failure as AttemptFailure;
      const code = connCode(f) ?? f.message;
      this.log.debug(
        { ...where, url: redactText(where.url), error: code, sent: f.sent, ms, attempt: attemptNo },
        'http error',
      );
      const info: OpenStackErrorInfo = { status: 0, ...where, cause: f.cause ?? f };
      if (f.kind === 'timeout') {
        throw new TimeoutError({ ...info, serviceMessage: `${f.message}: it may have been applied` });
      }
      const resendable = !f.streamRead;
      if (!f.sent) {
        // only a refused/unreachable connection or a full pool is worth another try; a TLS or header error is not
        const transient = f.kind === 'queue' || connCode(f) !== undefined;
        if (transient && canRetry && resendable) {
          await this.sleep(this.delay(attemptNo, null));
          continue;
        }
        const what = f.kind === 'queue' ? f.message : `cannot reach the service (${code})`;
        throw new NotSentError({
          ...info,
          serviceMessage: `${what}, after ${plural(attemptNo, 'attempt')}; the request was never sent`,
        });
      }
      if (repeatable && canRetry && resendable && connCode(f) !== undefined) {
        await this.sleep(this.delay(attemptNo, null));
        continue;
      }
      const why = !resendable
        ? 'not retried: its streamed body was already sent'
        : conditional
          ? 'not retried: a conditional write may have been applied; read the resource to know'
          : req.idempotent
            ? `after ${plural(attemptNo, 'attempt')}`
            : 'not retried: the request is not idempotent and may have been applied';
      throw new ServiceUnavailableError({
        ...info,
        serviceMessage: `cannot reach the service (${code}), ${why}`,
      });
    }
  }

  /** A concurrency slot of the service (free at once when it has no limit). */
  private async slot(service: string | undefined): Promise<() => void> {
    const limiter = service === undefined ? undefined : this.limiters.get(service);
    if (!limiter) return () => {};
    return limiter.acquire(
      this.queueTimeoutMs,
      () =>
        new AttemptFailure(
          'queue',
          false,
          false,
          `no ${service} concurrency slot free within ${this.queueTimeoutMs} ms (limit ${limiter.limit})`,
        ),
    );
  }

  private delay(attemptNo: number, headers: Headers | null): number {
    return retryDelay(
      this.retry,
      attemptNo,
      headers?.get('retry-after') ?? null,
      headers?.get('date') ?? null,
    );
  }

  /** Closes the own pool; a dispatcher passed in stays open for its other users. */
  async close(): Promise<void> {
    if (this.ownDispatcher) await this.dispatcher.close();
  }
}

function isConditional(header: string): boolean {
  return CONDITIONAL.includes(header.toLowerCase());
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function toResponse(a: AttemptAnswer, attempts: number): TransportResponse {
  const requestId =
    a.headers.get('x-openstack-request-id') ?? a.headers.get('x-compute-request-id') ?? undefined;
  let body: unknown;
  if (Buffer.isBuffer(a.body)) {
    const text = a.body.toString('utf8');
    if (text) {
      const ct = a.headers.get('content-type') ?? '';
      if (ct.includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      } else body = text;
    }
  } else body = a.body;
  return { status: a.status, headers: a.headers, body, requestId, attempts };
}

const CONN_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code behind a failed attempt (undici may wrap it). */
function connCode(err: Error): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONN_ERRORS.has(code)) return code;
  }
  return undefined;
}
