/**
 * The seed's schedule: quotas every 12 h, resources every 1 h, sub-resources every 2 h, properties every
 * 24 h, stuck cleanup every 1 h (all configurable; tests use seconds). Every replica ticks, but a run
 * happens only where a conditional update of the schedule's `portal_leases` row wins (`until <= now` →
 * `until = now + interval`): one replica per interval, on SQLite and PostgreSQL alike. A run is a job
 * (`kind = schedule`), so it shows in /api/jobs/ with its progress; it queues one pull job per OK tenant
 * (visible too), and the runner's per-resource order keeps them behind the tenant's own changes. The
 * properties run first pulls each provider's properties (Cinder's volume types into the offering's
 * components in dynamic storage mode), then the tenants' projects.
 *
 * Stuck cleanup: a resource in a transitional state, unchanged for longer than `stuckAfterMs`, with no
 * queued job and no job under a live lease, will not move again by itself: it is set ERRED with a message
 * saying so (a retry or pull then recovers it).
 */
import type { Logger } from '../../lib/log.ts';
import { ERRED, TRANSITIONAL } from '../resources/states.ts';
import type { PortalStore } from '../store/index.ts';
import { now } from '../store/index.ts';
import type { EngineDeps } from './engine.ts';
import { resourceEvent } from './events.ts';
import { enqueue, hasLiveJob } from './queue.ts';
import type { JobHandler } from './runner.ts';
import type { TenantPullPayload } from './tenant-jobs.ts';

export interface ScheduleIntervals {
  quotas: number;
  resources: number;
  subresources: number;
  properties: number;
  stuck: number;
}

/** The seed's intervals, ms. */
export const SEED_INTERVALS: ScheduleIntervals = {
  quotas: 12 * 3600_000,
  resources: 3600_000,
  subresources: 2 * 3600_000,
  properties: 24 * 3600_000,
  stuck: 3600_000,
};

export const SCHEDULES = Object.keys(SEED_INTERVALS) as (keyof ScheduleIntervals)[];

/** Takes the schedule's turn if it is due; the turn's time when this caller won it, else undefined. */
export async function takeTurn(
  store: PortalStore,
  name: string,
  owner: string,
  intervalMs: number,
): Promise<string | undefined> {
  const at = now();
  const db = store.db;
  await db
    .insertInto('portal_leases')
    .values({ name: `schedule:${name}`, owner: '', until: at })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const r = await db
    .updateTable('portal_leases')
    .set({ owner, until: new Date(Date.parse(at) + intervalMs).toISOString() })
    .where('name', '=', `schedule:${name}`)
    .where('until', '<=', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? at : undefined;
}

function pullPayload(d: EngineDeps, name: string): TenantPullPayload | undefined {
  const all = [...d.kinds.entries()];
  switch (name) {
    case 'quotas':
      return { kinds: [], quotas: true, project: false };
    case 'resources':
      return {
        kinds: all.filter(([, k]) => !k.schemas.parent).map(([n]) => n),
        quotas: false,
        project: false,
      };
    case 'subresources':
      return {
        kinds: all.filter(([, k]) => k.schemas.parent).map(([n]) => n),
        quotas: false,
        project: false,
      };
    case 'properties':
      return { kinds: [], quotas: false, project: true };
    default:
      return undefined;
  }
}

/** Sets stuck resources ERRED; answers how many. */
export async function cleanStuck(d: EngineDeps, stuckAfterMs: number): Promise<number> {
  const db = d.store.db;
  const before = new Date(Date.now() - stuckAfterMs).toISOString();
  const rows = await db
    .selectFrom('portal_resources')
    .selectAll()
    .where('state', 'in', [...TRANSITIONAL])
    .where('modified', '<', before)
    .execute();
  let n = 0;
  for (const r of rows) {
    if (await hasLiveJob(db, r.uuid)) continue;
    const message = `stuck in ${r.state} since ${r.modified} with no job to move it: set ERRED (retry or pull)`;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('portal_resources')
        .set({ state: ERRED, error_message: message, modified: now() })
        .where('uuid', '=', r.uuid)
        .where('state', '=', r.state)
        .execute();
      await resourceEvent(trx, r, {
        event_type: 'resource_stuck_erred',
        message: `${r.kind} ${r.name}: ${message}`,
      });
    });
    n++;
  }
  return n;
}

/**
 * The provider part of the properties schedule: each provider's properties pulled (volume types into its
 * offering's components); one provider's failure is logged and counted, the others still run. Answers
 * the progress line.
 */
export async function pullProviderProperties(
  d: EngineDeps,
  report: (step: string) => Promise<void>,
  log?: Logger,
): Promise<string> {
  const providers = (await d.providers.list?.()) ?? [];
  const failed: string[] = [];
  for (const [i, uuid] of providers.entries()) {
    try {
      await d.providers.pullProperties?.(uuid);
    } catch (err) {
      failed.push(uuid);
      log?.warn({ err, provider: uuid }, 'schedules: properties pull of a provider failed');
    }
    await report(`${i + 1}/${providers.length} providers' properties pulled`);
  }
  const failures = failed.length > 0 ? ` (${failed.length} failed: ${failed.join(', ')})` : '';
  return `${providers.length} providers' properties pulled${failures}`;
}

/** The job handler of schedule runs (`kind = schedule`, `operation = <schedule name>`). */
export function scheduleHandler(d: EngineDeps, stuckAfterMs: number, log?: Logger): JobHandler {
  return {
    async run(job, ctx) {
      if (job.operation === 'stuck') {
        const n = await cleanStuck(d, stuckAfterMs);
        await ctx.report(`${n} stuck resources set ERRED`);
        return;
      }
      const payload = pullPayload(d, job.operation);
      if (!payload) throw new Error(`no schedule ${job.operation}`);
      const providers =
        job.operation === 'properties' ? `${await pullProviderProperties(d, ctx.report, log)}; ` : '';
      const tenants = await d.store.db
        .selectFrom('portal_resources')
        .select(['uuid', 'provider_uuid'])
        .where('kind', '=', 'tenants')
        .where('state', '=', 'OK')
        .execute();
      let i = 0;
      for (const t of tenants) {
        await enqueue(d.store.db, {
          kind: 'tenants',
          operation: 'pull',
          resource_uuid: t.uuid,
          provider_uuid: t.provider_uuid,
          payload: { ...payload, schedule: job.operation },
        });
        i++;
        if (i % 50 === 0 || i === tenants.length)
          await ctx.report(`${providers}${i}/${tenants.length} tenant pulls queued`);
      }
      if (tenants.length === 0) await ctx.report(`${providers}no tenants`);
      d.wake();
    },
  };
}

export interface Scheduler {
  stop(): Promise<void>;
}

/** Ticks every `tickMs`; queues a schedule job for each schedule whose turn this replica wins. */
export function startScheduler(o: {
  deps: EngineDeps;
  owner: string;
  intervals: ScheduleIntervals;
  tickMs?: number | undefined;
  log: Logger;
}): Scheduler {
  const tickMs = o.tickMs ?? Math.max(200, Math.min(60_000, Math.min(...Object.values(o.intervals)) / 4));
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    for (const name of SCHEDULES) {
      if (stopped) return;
      try {
        const turn = await takeTurn(o.deps.store, name, o.owner, o.intervals[name]);
        if (turn) {
          await enqueue(o.deps.store.db, {
            kind: 'schedule',
            operation: name,
            payload: { owner: o.owner, turn },
          });
          o.deps.wake();
        }
      } catch (err) {
        o.log.warn({ err, schedule: name }, 'schedules: tick failed');
      }
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, tickMs);
  running = running.then(tick);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
