/**
 * Which failures a job retries, and how long it waits. Retried: OpenStack unreachable or overloaded (5xx,
 * 502/503/504, connection refused, the request never sent), timeouts, 429. Not retried: what a retry
 * cannot fix (400, 403, 404 of a create, over quota, 409): those err the resource at once with the
 * service's message and request id.
 */
import { OsnetError } from '../../lib/errors.ts';
import { OpenStackError } from '../../openstack/client/errors.ts';

const RETRIABLE_CODES = new Set(['OSNET_ERR_OS_UNAVAILABLE', 'OSNET_ERR_OS_TIMEOUT']);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']);

export function isRetriable(err: unknown): boolean {
  if (err instanceof OpenStackError)
    return RETRIABLE_CODES.has(err.code) || err.status >= 500 || err.status === 429 || err.status === 0;
  if (err instanceof OsnetError) return RETRIABLE_CODES.has(err.code);
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code;
  const causeCode = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return NET_CODES.has(String(code)) || NET_CODES.has(String(causeCode));
}

/** The message a failed job leaves on its resource (the client core's carries the request id). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export interface Backoff {
  /** First wait, ms. */
  baseMs: number;
  /** Longest wait, ms. */
  maxMs: number;
}

/** Exponential with jitter (±25 %): attempt 1 waits about base, 2 about 2 × base, … up to max. */
export function backoffMs(attempt: number, b: Backoff): number {
  const raw = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.75 + Math.random() * 0.5));
}
