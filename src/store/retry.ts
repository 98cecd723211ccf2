/**
 * Runs a transaction again when a concurrent one made it fail in a way that a plain retry fixes
 * (OSNET_ERR_STORE_CONFLICT; callers add OSNET_ERR_STORE_UNIQUE when they allocate keys by reading first).
 * The backoff is short and jittered so that two replicas that collided do not collide again in step.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ErrorCode, OsnetError } from '../lib/errors.ts';

export interface RetryOptions {
  /** Codes that make an attempt worth repeating (default: OSNET_ERR_STORE_CONFLICT). */
  on?: readonly ErrorCode[];
  /** Attempts in all (default 8). */
  attempts?: number;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const on = new Set<string>(opts.on ?? ['OSNET_ERR_STORE_CONFLICT']);
  const attempts = opts.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof OsnetError) || !on.has(err.code) || attempt >= attempts) throw err;
      await sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
    }
  }
}
