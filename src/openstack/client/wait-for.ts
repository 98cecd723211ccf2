/**
 * Waiting for asynchronous OpenStack work (a Nova server booting, a Cinder volume attaching, a port going
 * away): poll a resource until it is in a wanted status, or gone, with a deadline and a growing pause
 * between polls. When it ends badly the error says what was awaited, the last status seen and the fault
 * the service gave (Nova's `fault.message`), so "timed out" is never all a caller learns.
 *
 * @example
 *   const server = await waitForStatus(() => servers.get(nova, id), 'ACTIVE', { what: `server ${id}` });
 *   await waitForGone(() => ports.get(net, portId), { what: `port ${portId}`, timeoutMs: 30_000 });
 */
import { type ErrorCode, OsnetError } from '../../lib/errors.ts';
import { redactText } from '../../lib/redact.ts';
import { NotFoundError } from './errors.ts';

export interface WaitOptions {
  /** What is awaited, for the error ("server 1f2e…"). */
  what: string;
  /** Give up after this long (default 300 s). */
  timeoutMs?: number;
  /** Pause after the first poll (default 1 s); it doubles after each poll up to `maxIntervalMs` (default 10 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Clock and sleep (tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The status and fault of a resource, as the error shows them. */
export interface ObservedState {
  status?: string | undefined;
  fault?: string | undefined;
}

export interface StatusWaitOptions<T> extends WaitOptions {
  /** Reads status and fault off a resource; default: `status` and Nova's `fault: {message, code}`. */
  describe?: (r: T) => ObservedState;
  /** Statuses that end the wait at once (default: ERROR, error_*, killed, case-insensitive). */
  failed?: (status: string) => boolean;
}

export type WaitOutcome = 'timeout' | 'failed' | 'gone';

/** A wait that ended badly: the last state seen is in `lastStatus` and `fault`. */
export class WaitError extends OsnetError {
  readonly what: string;
  readonly outcome: WaitOutcome;
  readonly lastStatus: string | undefined;
  readonly fault: string | undefined;
  readonly elapsedMs: number;

  constructor(what: string, outcome: WaitOutcome, message: string, last: ObservedState, elapsedMs: number) {
    const code: ErrorCode =
      outcome === 'timeout'
        ? 'OSNET_ERR_OS_TIMEOUT'
        : outcome === 'gone'
          ? 'OSNET_ERR_OS_NOT_FOUND'
          : 'OSNET_ERR_OS_UNEXPECTED';
    super(code, redactText(message));
    this.name = 'WaitError';
    this.what = what;
    this.outcome = outcome;
    this.lastStatus = last.status;
    this.fault = last.fault === undefined ? undefined : redactText(last.fault);
    this.elapsedMs = elapsedMs;
  }
}

/** `status` and a Nova-style `fault` ({message, code, details}) or a plain string fault. */
export function defaultDescribe(r: unknown): ObservedState {
  if (!r || typeof r !== 'object') return {};
  const o = r as Record<string, unknown>;
  const status = typeof o.status === 'string' ? o.status : undefined;
  let fault: string | undefined;
  const f = o.fault;
  if (typeof f === 'string' && f.trim() !== '') fault = f.trim();
  else if (f && typeof f === 'object') {
    const { message, code } = f as { message?: unknown; code?: unknown };
    // Nova's messages often end in a space ("No valid host was found. ")
    const text = typeof message === 'string' ? message.trim() : '';
    if (text !== '') {
      fault = code === undefined ? text : `${text} (code ${String(code)})`;
    }
  }
  return { status, fault };
}

/** ERROR (Nova, Neutron), error and error_* (Cinder), killed (Glance). */
export function defaultFailed(status: string): boolean {
  const s = status.toLowerCase();
  return s === 'error' || s.startsWith('error_') || s === 'killed';
}

function plan(opts: WaitOptions) {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const maxInterval = opts.maxIntervalMs ?? 10_000;
  for (const [k, v] of [
    ['timeoutMs', timeoutMs],
    ['intervalMs', opts.intervalMs ?? 1_000],
    ['maxIntervalMs', maxInterval],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) {
      throw new OsnetError('OSNET_ERR_VALIDATION', `wait.${k}: must be a non-negative number`, {
        field: `wait.${k}`,
      });
    }
  }
  const started = now();
  let interval = opts.intervalMs ?? 1_000;
  return {
    elapsed: () => now() - started,
    expired: () => now() - started >= timeoutMs,
    /** Sleeps the current pause (never past the deadline) and grows the next one. */
    async pause() {
      await sleep(Math.max(0, Math.min(interval, timeoutMs - (now() - started))));
      interval = Math.min(interval * 2, maxInterval);
    },
    timeoutMs,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function lastSeen(s: ObservedState): string {
  const parts = [`last status ${s.status ?? 'unknown'}`];
  if (s.fault) parts.push(`fault: ${s.fault}`);
  return parts.join('; ');
}

/**
 * Polls `get` until `done` says so. `describe` and `failed` as in StatusWaitOptions; a NotFoundError ends
 * the wait as `gone`.
 *
 * @example
 *   await waitFor(() => ports.get(net, id), (p) => p.name === 'ready', { what: `port ${id}`, timeoutMs: 5_000 });
 */
export async function waitFor<T>(
  get: () => Promise<T>,
  done: (r: T) => boolean,
  opts: StatusWaitOptions<T> & { wanted?: string },
): Promise<T> {
  const p = plan(opts);
  const describe = opts.describe ?? defaultDescribe;
  const failed = opts.failed ?? defaultFailed;
  const wanted = opts.wanted ?? 'the wanted state';
  let last: ObservedState = {};
  for (;;) {
    let r: T;
    try {
      r = await get();
    } catch (e) {
      if (e instanceof NotFoundError) {
        throw new WaitError(
          opts.what,
          'gone',
          `${opts.what}: gone while waiting for it to be ${wanted} (${lastSeen(last)})`,
          last,
          p.elapsed(),
        );
      }
      throw e;
    }
    if (done(r)) return r;
    last = describe(r);
    if (last.status !== undefined && failed(last.status)) {
      throw new WaitError(
        opts.what,
        'failed',
        `${opts.what}: went to ${last.status} while waiting for it to be ${wanted}${last.fault ? ` (fault: ${last.fault})` : ''}`,
        last,
        p.elapsed(),
      );
    }
    if (p.expired()) {
      throw new WaitError(
        opts.what,
        'timeout',
        `${opts.what}: not ${wanted} after ${seconds(p.elapsed())} (${lastSeen(last)})`,
        last,
        p.elapsed(),
      );
    }
    await p.pause();
  }
}

/**
 * Polls until the resource's status is one of `wanted` (compared case-insensitively); a failed status
 * (ERROR, error_*, killed) ends it at once with the fault.
 *
 * @example
 *   await waitForStatus(() => volumes.get(cinder, id), 'available', { what: `volume ${id}` });
 */
export function waitForStatus<T>(
  get: () => Promise<T>,
  wanted: string | readonly string[],
  opts: StatusWaitOptions<T>,
): Promise<T> {
  const list = (typeof wanted === 'string' ? [wanted] : [...wanted]).map((s) => s.toLowerCase());
  if (list.length === 0) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'wanted: give at least one status', { field: 'wanted' });
  }
  const describe = opts.describe ?? defaultDescribe;
  return waitFor(get, (r) => list.includes((describe(r).status ?? '').toLowerCase()), {
    ...opts,
    wanted: list.map((s) => s.toUpperCase()).join(' or '),
  });
}

/** What waitForGone's poll yields once the resource answers 404. */
const GONE: unique symbol = Symbol('gone');

/**
 * Polls until `get` answers 404 (NotFoundError). A failed status (Cinder's error_deleting) ends it at once.
 *
 * @example
 *   await servers.remove(nova, id);
 *   await waitForGone(() => servers.get(nova, id), { what: `server ${id}` });
 */
export async function waitForGone<T>(get: () => Promise<T>, opts: StatusWaitOptions<T>): Promise<void> {
  const describe = opts.describe ?? defaultDescribe;
  await waitFor<T | typeof GONE>(
    async () => {
      try {
        return await get();
      } catch (e) {
        if (e instanceof NotFoundError) return GONE;
        throw e;
      }
    },
    (r) => r === GONE,
    { ...opts, wanted: 'gone', describe: (r) => (r === GONE ? {} : describe(r)) },
  );
}
