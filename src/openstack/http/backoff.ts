/**
 * How long to wait before a retry: full jitter (a uniformly random delay between 0 and base·2^(n-1), capped),
 * so many clients failing together do not retry together; a Retry-After header wins when the service gives one.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 4_000 };

/**
 * The delay before retry `attempt` (1 = the first retry). `retryAfter` is the header's value (seconds or an
 * HTTP date); a date is measured against the answer's own Date header when present, so a skewed local clock
 * does not stretch or cut the wait. The service's wish is honoured up to 4× the backoff cap.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfter: string | null,
  dateHeader: string | null = null,
  now: () => number = Date.now,
  random: () => number = Math.random,
): number {
  const wish = retryAfterMs(retryAfter, dateHeader, now);
  if (wish !== undefined) return Math.min(wish, policy.maxDelayMs * 4);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * cap);
}

function retryAfterMs(
  value: string | null,
  dateHeader: string | null,
  now: () => number,
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  const served = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
  const from = Number.isNaN(served) ? now() : served;
  return Math.max(0, at - from);
}
