/**
 * The job runner: claims due jobs under a lease, renews the lease while a handler runs, and settles each
 * job: DONE, again later with exponential backoff (a retriable fault, attempts left), or ERRED. Handlers
 * are per job kind (`networks`, `tenants`, `schedule`, …); what a job means for its resource (states,
 * events) is the handler's business (resource-jobs.ts), so the runner stays one small loop.
 *
 * @example
 *   const runner = startRunner({ store, owner: 'portal-1', handlers, log });
 *   runner.wake();           // after enqueueing, not to wait for the next poll
 *   await runner.stop();     // stops claiming, waits for running jobs
 */
import { hostname } from 'node:os';
import type { Logger } from '../../lib/log.ts';
import type { PortalStore } from '../store/index.ts';
import { newUuid } from '../store/index.ts';
import type { JobRow } from '../store/schema.ts';
import { claimJobs, renewLease, setProgress, settleJob } from './claim.ts';
import { type Backoff, backoffMs, errorText, isRetriable } from './faults.ts';
import { JOB_DONE, JOB_ERRED, JOB_PENDING } from './queue.ts';

export interface JobContext {
  /** Stores a progress step on the job (visible in /api/jobs/). */
  report(step: string): Promise<void>;
  /** Aborted when the lease is lost or the runner stops hard. */
  signal: AbortSignal;
  /** True when this is the last attempt a retriable failure gets. */
  lastAttempt: boolean;
}

export interface JobHandler {
  run(job: JobRow, ctx: JobContext): Promise<void>;
  /**
   * Called once the job has failed for good (not retriable, or attempts used up), before the job is
   * settled ERRED: the handler errs its resource.
   */
  failed?(job: JobRow, err: unknown): Promise<void>;
  /** Called when a retriable failure will be retried (the resource may show the message meanwhile). */
  retrying?(job: JobRow, err: unknown, runAfter: string): Promise<void>;
}

export interface RunnerOptions {
  store: PortalStore;
  handlers: Readonly<Record<string, JobHandler>>;
  log: Logger;
  /** Unique per process (default: host, pid and a random part). */
  owner?: string | undefined;
  /** Jobs this process runs at once (default 4). */
  concurrency?: number | undefined;
  /** Running create/delete jobs per provider across all replicas (default 2; 0: no limit). */
  perProvider?: number | undefined;
  /** Lease length (default 60 s); renewed every third of it. */
  leaseMs?: number | undefined;
  /** Poll interval for due jobs (default 1 s). */
  pollMs?: number | undefined;
  /** Runs of a job with retriable failures before it errs (default 5). */
  maxAttempts?: number | undefined;
  backoff?: Backoff | undefined;
}

export interface Runner {
  readonly owner: string;
  wake(): void;
  /** Resolves when no job of this runner is running (tests). */
  idle(): Promise<void>;
  /**
   * Stops claiming and waits up to `graceMs` (default 10 s) for running jobs; the ones still running are
   * then left unsettled: their lease runs out and a replica (or this one restarted) runs them again.
   */
  stop(graceMs?: number): Promise<void>;
}

export function startRunner(o: RunnerOptions): Runner {
  const owner = o.owner ?? `${hostname()}:${process.pid}:${newUuid().slice(0, 8)}`;
  const concurrency = o.concurrency ?? 4;
  const leaseMs = o.leaseMs ?? 60_000;
  const pollMs = o.pollMs ?? 1000;
  const maxAttempts = o.maxAttempts ?? 5;
  const backoff = o.backoff ?? { baseMs: 5000, maxMs: 300_000 };
  const db = o.store.db;
  const running = new Map<string, Promise<void>>();
  const live = new Map<string, { abort: AbortController; renew: NodeJS.Timeout }>();
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (running.size > 0) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };

  async function runOne(job: JobRow): Promise<void> {
    const handler = o.handlers[job.kind];
    const abort = new AbortController();
    const renew = setInterval(
      () => {
        renewLease(db, job, owner, leaseMs)
          .then((held) => {
            if (!held) abort.abort(new Error('lease lost'));
          })
          .catch((err) => o.log.warn({ err, job: job.uuid }, 'jobs: cannot renew a lease'));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    live.set(job.uuid, { abort, renew });
    const lastAttempt = job.attempt >= maxAttempts;
    try {
      if (!handler) throw new Error(`no handler for jobs of kind ${job.kind}`);
      await handler.run(job, {
        report: (step) => setProgress(db, job, owner, step),
        signal: abort.signal,
        lastAttempt,
      });
      if (abort.signal.aborted) return;
      await settleJob(db, job, owner, { state: JOB_DONE, error: '' });
    } catch (err) {
      if (abort.signal.aborted) return;
      const message = errorText(err);
      if (handler && isRetriable(err) && !lastAttempt) {
        const runAfter = new Date(Date.now() + backoffMs(job.attempt, backoff)).toISOString();
        o.log.warn({ job: job.uuid, kind: job.kind, attempt: job.attempt, err: message }, 'jobs: will retry');
        await handler.retrying?.(job, err, runAfter);
        await settleJob(db, job, owner, { state: JOB_PENDING, error: message, run_after: runAfter });
        return;
      }
      o.log.warn({ job: job.uuid, kind: job.kind, err: message }, 'jobs: failed');
      await handler?.failed?.(job, err);
      await settleJob(db, job, owner, { state: JOB_ERRED, error: message });
    } finally {
      clearInterval(renew);
      live.delete(job.uuid);
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        const free = concurrency - running.size;
        const jobs = await claimJobs(db, {
          owner,
          max: free,
          leaseMs,
          perProvider: o.perProvider ?? 2,
          kind: o.store.kind,
        });
        for (const job of jobs) {
          const p = runOne(job)
            .catch((err) => o.log.error({ err, job: job.uuid }, 'jobs: cannot settle a job'))
            .finally(() => {
              running.delete(job.uuid);
              settleIdle();
              wakeUp?.();
            });
          running.set(job.uuid, p);
        }
        if (jobs.length > 0 && running.size < concurrency) continue;
      } catch (err) {
        if (stopped) break;
        o.log.warn({ err }, 'jobs: claim failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wakeUp = () => {
          clearTimeout(t);
          wakeUp = undefined;
          resolve();
        };
      });
    }
  }

  const looping = loop();
  return {
    owner,
    wake: () => wakeUp?.(),
    idle: () => (running.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    async stop(graceMs = 10_000) {
      stopped = true;
      wakeUp?.();
      await looping;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      });
      await Promise.race([Promise.all(running.values()), grace]);
      clearTimeout(timer);
      for (const [uuid, j] of live) {
        o.log.warn({ job: uuid }, 'jobs: left running at stop; its lease will run out and it runs again');
        clearInterval(j.renew);
        j.abort.abort(new Error('runner stopped'));
      }
    },
  };
}
