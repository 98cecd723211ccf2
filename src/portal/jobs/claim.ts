/**
 * Taking, holding and settling jobs under a lease, safe with several replicas on one PostgreSQL.
 *
 * A claim runs in one transaction that first takes the row lock of the `jobs-claim` lease (an UPDATE, so
 * claimers queue on it on PostgreSQL; SQLite has one writer anyway): the per-provider count of running
 * provisioning jobs and the choice of jobs then cannot race another replica's claim. Due jobs are PENDING
 * ones whose `run_after` has come, and RUNNING ones whose lease ran out (their process died): those run
 * again, and the backend's idempotent create finds what the dead run made. Every later write of a job is
 * conditional on `lease_owner` being the caller, so a replica that lost its lease cannot overwrite the new
 * holder's outcome.
 */
import type { Kysely } from 'kysely';
import type { StoreKind } from '../../store/index.ts';
import { now } from '../store/index.ts';
import type { JobRow, PortalDB } from '../store/schema.ts';
import { JOB_PENDING, JOB_RUNNING, PROVISIONING } from './queue.ts';

type DB = Kysely<PortalDB>;

export interface ClaimOptions {
  owner: string;
  /** At most this many jobs. */
  max: number;
  leaseMs: number;
  /** Running provisioning jobs allowed per provider (0: no limit). */
  perProvider: number;
  /** Store kind: PostgreSQL candidates are locked with FOR UPDATE SKIP LOCKED. */
  kind: StoreKind;
}

const CLAIM_LEASE = 'jobs-claim';
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

function due(db: DB, at: string) {
  return db
    .selectFrom('portal_jobs')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', JOB_PENDING), eb('run_after', '<=', at)]),
        eb.and([eb('state', '=', JOB_RUNNING), eb('lease_until', '<', at)]),
      ]),
    );
}

export async function claimJobs(db: DB, o: ClaimOptions): Promise<JobRow[]> {
  if (o.max <= 0) return [];
  // an idle poll is one read, not a write on the claim lease (every replica polls every second)
  if (!(await due(db, now()).select('uuid').limit(1).executeTakeFirst())) return [];
  return db.transaction().execute(async (trx) => {
    const at = now();
    await trx
      .insertInto('portal_leases')
      .values({ name: CLAIM_LEASE, owner: o.owner, until: at })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await trx
      .updateTable('portal_leases')
      .set({ owner: o.owner, until: at })
      .where('name', '=', CLAIM_LEASE)
      .execute();
    let q = due(trx, at)
      .orderBy('run_after')
      .orderBy('uuid')
      .limit(Math.max(o.max * 4, 16));
    if (o.kind === 'postgres') q = q.forUpdate().skipLocked();
    const candidates = await q.execute();
    if (candidates.length === 0) return [];
    const running = new Map<string, number>();
    if (o.perProvider > 0) {
      const rows = await trx
        .selectFrom('portal_jobs')
        .select(['provider_uuid', (eb) => eb.fn.countAll<number>().as('n')])
        .where('state', '=', JOB_RUNNING)
        .where('lease_until', '>=', at)
        .where('operation', 'in', [...PROVISIONING])
        .where('provider_uuid', 'is not', null)
        .groupBy('provider_uuid')
        .execute();
      for (const r of rows) running.set(r.provider_uuid!, Number(r.n));
    }
    const busy = new Set<string>();
    const picked: JobRow[] = [];
    for (const j of candidates) {
      if (picked.length >= o.max) break;
      // one job per resource at a time, in order: a delete must not overtake its create
      if (j.resource_uuid) {
        if (busy.has(j.resource_uuid)) continue;
        busy.add(j.resource_uuid);
        const earlier = await trx
          .selectFrom('portal_jobs')
          .select('uuid')
          .where('resource_uuid', '=', j.resource_uuid)
          .where('uuid', '!=', j.uuid)
          .where('created', '<', j.created)
          .where((eb) =>
            eb.or([
              eb('state', '=', JOB_PENDING),
              eb.and([eb('state', '=', JOB_RUNNING), eb('lease_until', '>=', at)]),
            ]),
          )
          .executeTakeFirst();
        if (earlier) continue;
      }
      const provisioning = (PROVISIONING as readonly string[]).includes(j.operation);
      if (o.perProvider > 0 && provisioning && j.provider_uuid) {
        const n = running.get(j.provider_uuid) ?? 0;
        if (n >= o.perProvider) continue;
        running.set(j.provider_uuid, n + 1);
      }
      const set = {
        state: JOB_RUNNING,
        attempt: j.attempt + 1,
        lease_owner: o.owner,
        lease_until: later(o.leaseMs),
        modified: at,
      };
      await trx.updateTable('portal_jobs').set(set).where('uuid', '=', j.uuid).execute();
      picked.push({ ...j, ...set });
    }
    return picked;
  });
}

/** Extends the lease; false when the caller no longer holds it. */
export async function renewLease(db: DB, job: JobRow, owner: string, leaseMs: number): Promise<boolean> {
  const r = await db
    .updateTable('portal_jobs')
    .set({ lease_until: later(leaseMs) })
    .where('uuid', '=', job.uuid)
    .where('lease_owner', '=', owner)
    .where('state', '=', JOB_RUNNING)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Writes a job's outcome if the caller still holds it; false otherwise (nothing written). */
export async function settleJob(
  db: DB,
  job: JobRow,
  owner: string,
  set: Partial<Pick<JobRow, 'state' | 'error' | 'run_after' | 'progress' | 'payload'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('portal_jobs')
    .set({ ...set, lease_owner: null, lease_until: null, modified: now() })
    .where('uuid', '=', job.uuid)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setProgress(db: DB, job: JobRow, owner: string, step: string): Promise<void> {
  await db
    .updateTable('portal_jobs')
    .set({ progress: step, modified: now() })
    .where('uuid', '=', job.uuid)
    .where('lease_owner', '=', owner)
    .execute();
}
