/**
 * The one HTTP core every OpenStack call goes through: keep-alive connections, a per-request timeout,
 * and retries with jittered exponential backoff — only for idempotent requests, on connection errors,
 * 502/503/504 and answers the caller marks retriable (Neutron's transient 409s). 429 is retried for any
 * method (the service did not process it).
 *
 * @example
 *   const t = new Transport({ timeoutMs: 60_000, verify: true });
 *   const res = await t.send({ method: 'GET', url, headers: {}, idempotent: true });
 */
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, fetch } from 'undici';
import { OsnetError } from '../../lib/errors.ts';
import { type Logger, silentLogger } from '../../lib/log.ts';
import { redactText } from '../../lib/redact.ts';
import { ServiceUnavailableError, TimeoutError } from '../client/errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface TransportOptions {
  timeoutMs: number;
  verify?: boolean;
  cacert?: string | undefined;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Sleep used between retries (tests may shorten it). */
  sleep?: (ms: number) => Promise<void>;
  /** Used instead of an own Agent (e.g. undici's MockAgent in offline tests); the caller owns it: close() leaves it open. */
  dispatcher?: Dispatcher;
}

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  idempotent: boolean;
  timeoutMs?: number | undefined;
  /** Extra retry rule for answers (e.g. Neutron 409 NetworkInUse); only consulted for idempotent requests. */
  retriable?: ((res: TransportResponse) => boolean) | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, the text otherwise, undefined when empty. */
  body: unknown;
  requestId: string | undefined;
  attempts: number;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 4_000 };
const RETRY_STATUS = new Set([502, 503, 504]);
const CONN_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class Transport {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly log: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: TransportOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.log = opts.logger ?? silentLogger;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    let ca: string | undefined;
    if (opts.cacert) {
      try {
        ca = readFileSync(opts.cacert, 'utf8');
      } catch (e) {
        throw new OsnetError(
          'OSNET_ERR_CONFIG',
          `cacert ${opts.cacert} cannot be read: ${(e as Error).message}`,
          {
            field: 'cacert',
          },
        );
      }
    }
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({
        keepAliveTimeout: 30_000,
        connections: 16,
        connect: { rejectUnauthorized: opts.verify !== false, ...(ca ? { ca } : {}) },
      });
  }

  async send(req: TransportRequest): Promise<TransportResponse> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let res: TransportResponse | undefined;
      let failure: Error | undefined;
      try {
        res = await this.once(req, timeoutMs, attempt);
      } catch (e) {
        failure = e as Error;
      }
      const ms = Math.round(performance.now() - started);
      const canRetry = attempt <= this.retry.retries;
      if (res) {
        this.log.debug(
          {
            method: req.method,
            url: redactText(req.url),
            status: res.status,
            ms,
            attempt,
            requestId: res.requestId,
          },
          'http',
        );
        const again =
          res.status === 429 ||
          (req.idempotent && (RETRY_STATUS.has(res.status) || (req.retriable?.(res) ?? false)));
        if (!again || !canRetry) return res;
        await this.sleep(this.delay(attempt, res.headers.get('retry-after')));
        continue;
      }
      const err = failure as Error;
      if (err instanceof TimeoutError) throw err;
      const code = connCode(err);
      this.log.debug(
        { method: req.method, url: redactText(req.url), error: code ?? err.message, attempt },
        'http error',
      );
      if (req.idempotent && canRetry && code !== undefined) {
        await this.sleep(this.delay(attempt, null));
        continue;
      }
      const why = req.idempotent
        ? `after ${attempt} attempt${attempt > 1 ? 's' : ''}`
        : 'not retried: the request is not idempotent';
      throw new ServiceUnavailableError({
        status: 0,
        method: req.method,
        url: req.url,
        serviceMessage: `cannot reach the service (${code ?? err.message}), ${why}`,
        cause: err,
      });
    }
  }

  private async once(req: TransportRequest, timeoutMs: number, attempt: number): Promise<TransportResponse> {
    let response: Awaited<ReturnType<typeof fetch>>;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      response = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        signal,
      });
    } catch (e) {
      if (signal.aborted) {
        throw new TimeoutError({
          status: 0,
          method: req.method,
          url: req.url,
          serviceMessage: `no answer within ${timeoutMs} ms`,
          cause: e,
        });
      }
      throw e;
    }
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      if (signal.aborted) {
        throw new TimeoutError({
          status: response.status,
          method: req.method,
          url: req.url,
          serviceMessage: `answer body not complete within ${timeoutMs} ms`,
          cause: e,
        });
      }
      throw e;
    }
    let body: unknown;
    if (text) {
      const ct = response.headers.get('content-type') ?? '';
      if (ct.includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      } else body = text;
    }
    return {
      status: response.status,
      headers: response.headers,
      body,
      requestId:
        response.headers.get('x-openstack-request-id') ??
        response.headers.get('x-compute-request-id') ??
        undefined,
      attempts: attempt,
    };
  }

  /** Full jitter: a random delay up to base·2^(n-1), capped; Retry-After (seconds) wins when given. */
  private delay(attempt: number, retryAfter: string | null): number {
    const ra = retryAfter === null ? Number.NaN : Number(retryAfter);
    if (Number.isFinite(ra) && ra >= 0) return Math.min(ra * 1000, this.retry.maxDelayMs * 4);
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + (Math.random() * cap) / 2);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

/** The system error code behind a failed fetch (undici wraps it in TypeError('fetch failed').cause). */
function connCode(err: Error): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONN_ERRORS.has(code)) return code;
  }
  if (err.name === 'TypeError' && /fetch failed|other side closed|socket/i.test(err.message))
    return 'ECONNRESET';
  return undefined;
}
