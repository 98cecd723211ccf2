/**
 * What the policy server tells whoever enforces policies (src/policy/enforce/): a change event after every
 * write that changed policies or groups, and periodic loops that run until the server closes (one at a
 * time per loop: a slow pass is never overlapped by the next).
 *
 * @example
 *   server.hooks.onChange((e) => reconciler.kick(e));
 *   server.hooks.every('reconcile', 30_000, () => reconciler.pass());
 */
import type { Logger } from '../../lib/log.ts';

export interface PolicyChange {
  kind: 'policies' | 'groups';
  /** Number of policies or groups the write added or removed. */
  count: number;
}

export interface PolicyHooks {
  /** Calls `fn` after each change; returns the unsubscribe. A listener's error is logged, never the caller's. */
  onChange(fn: (e: PolicyChange) => void): () => void;
  /** Runs `fn` every `intervalMs` (first run after one interval) until close. */
  every(name: string, intervalMs: number, fn: () => Promise<void>): void;
}

export interface PolicyHub extends PolicyHooks {
  emit(e: PolicyChange): void;
  /** Stops the loops and waits for running passes. */
  close(): Promise<void>;
}

export function policyHub(log: Logger): PolicyHub {
  const listeners = new Set<(e: PolicyChange) => void>();
  const stops = new Set<() => void>();
  const running = new Set<Promise<void>>();
  let closed = false;
  return {
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    emit(e) {
      for (const fn of listeners) {
        try {
          fn(e);
        } catch (err) {
          log.error({ err }, 'a policy change listener failed');
        }
      }
    },
    every(name, intervalMs, fn) {
      let timer: NodeJS.Timeout | undefined;
      const tick = () => {
        if (closed) return;
        const p = fn()
          .catch((err) => log.error({ err, loop: name }, 'loop pass failed'))
          .finally(() => {
            running.delete(p);
            if (!closed) timer = setTimeout(tick, intervalMs);
          });
        running.add(p);
      };
      timer = setTimeout(tick, intervalMs);
      stops.add(() => clearTimeout(timer));
    },
    async close() {
      closed = true;
      for (const stop of stops) stop();
      await Promise.all(running);
    },
  };
}
