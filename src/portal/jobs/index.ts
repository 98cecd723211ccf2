/**
 * The resource and job engine assembled: the handlers of every job kind (each registered resource kind,
 * tenants, schedule runs), the runner, and the scheduler. The portal server starts one per process; with
 * several replicas on PostgreSQL each runs its own, and leases keep them apart.
 *
 * @example
 *   const engine = startEngine({ store, log, providers, tenants, kinds, secrets });
 *   engine.deps.wake();
 *   await engine.stop();
 */
import type { Logger } from '../../lib/log.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { TenantBackend } from '../backend/contract.ts';
import type { PortalStore } from '../store/index.ts';
import type { EngineDeps, ProviderAccess, RegisteredKind } from './engine.ts';
import { kindHandler } from './kind-jobs.ts';
import { type JobHandler, type Runner, type RunnerOptions, startRunner } from './runner.ts';
import {
  type ScheduleIntervals,
  type Scheduler,
  SEED_INTERVALS,
  scheduleHandler,
  startScheduler,
} from './schedules.ts';
import { tenantHandler } from './tenant-jobs.ts';

export interface EngineOptions {
  store: PortalStore;
  log: Logger;
  providers: ProviderAccess;
  tenants: TenantBackend;
  /** Kinds known at the start; registerKind adds more. */
  kinds?: ReadonlyMap<string, RegisteredKind> | undefined;
  secrets?: SecretBox | undefined;
  tokenLifetimeSeconds?: number | undefined;
  runner?: Omit<RunnerOptions, 'store' | 'handlers' | 'log'> | undefined;
  /** Schedule intervals, ms (default: the seed's); `false`: no scheduler in this process. */
  schedules?: Partial<ScheduleIntervals> | false | undefined;
  scheduleTickMs?: number | undefined;
  /** A transitional state unchanged this long without a job is stuck (default 1 h). */
  stuckAfterMs?: number | undefined;
  /** How long a resource missing in OpenStack stays before a pull removes it (default 1 h). */
  missingGraceMs?: number | undefined;
}

export interface Engine {
  deps: EngineDeps;
  runner: Runner;
  /** Stops the scheduler and the runner (see Runner.stop for `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export function startEngine(o: EngineOptions): Engine {
  let runner: Runner | undefined;
  const deps: EngineDeps = {
    store: o.store,
    tokenLifetimeSeconds: o.tokenLifetimeSeconds,
    providers: o.providers,
    kinds: new Map(o.kinds ?? []),
    tenants: o.tenants,
    secrets: o.secrets,
    wake: () => runner?.wake(),
    missingGraceMs: o.missingGraceMs ?? 3600_000,
  };
  const fixed: Record<string, JobHandler> = {
    tenants: tenantHandler(deps),
    schedule: scheduleHandler(deps, o.stuckAfterMs ?? 3600_000, o.log),
  };
  const perKind = new Map<string, JobHandler>();
  // kinds may be registered after the start (registerKind adds its kind to deps.kinds): looked up per job
  const handlers = new Proxy(fixed, {
    get(target, kind: string) {
      if (kind in target) return target[kind];
      if (!deps.kinds.has(kind)) return undefined;
      if (!perKind.has(kind)) perKind.set(kind, kindHandler(deps, kind));
      return perKind.get(kind);
    },
  });
  runner = startRunner({ ...o.runner, store: o.store, handlers, log: o.log });
  let scheduler: Scheduler | undefined;
  if (o.schedules !== false)
    scheduler = startScheduler({
      deps,
      owner: runner.owner,
      intervals: { ...SEED_INTERVALS, ...(o.schedules ?? {}) },
      tickMs: o.scheduleTickMs,
      log: o.log,
    });
  const r = runner;
  return {
    deps,
    runner: r,
    async stop(graceMs) {
      await scheduler?.stop();
      await r.stop(graceMs);
    },
  };
}
