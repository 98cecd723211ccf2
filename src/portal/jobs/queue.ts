/**
 * The durable job queue: a job is a row of `portal_jobs`, written in the same transaction as the change of
 * state it carries out (a resource going CREATION_SCHEDULED and its create job commit together, or
 * neither does), so nothing ordered is lost in a crash and nothing runs that was not ordered.
 *
 * @example
 *   await db.transaction().execute(async (trx) => {
 *     await trx.insertInto('portal_resources').values(row).execute();
 *     await enqueue(trx, { kind: 'networks', operation: 'create', resource_uuid: row.uuid, provider_uuid, payload });
 *   });
 */
import type { Kysely } from 'kysely';
import { newUuid, now } from '../store/index.ts';
import type { JobRow, PortalDB } from '../store/schema.ts';

export const JOB_PENDING = 'PENDING';
export const JOB_RUNNING = 'RUNNING';
export const JOB_DONE = 'DONE';
export const JOB_ERRED = 'ERRED';

/** Operations that make or remove OpenStack objects: the ones the per-provider limit counts. */
export const PROVISIONING = ['create', 'delete'] as const;

export interface NewJob {
  kind: string;
  operation: string;
  resource_uuid?: string | null | undefined;
  provider_uuid?: string | null | undefined;
  payload?: Record<string, unknown> | undefined;
  /** Not before this time (default: now). */
  run_after?: string | undefined;
}

export async function enqueue(db: Kysely<PortalDB>, j: NewJob): Promise<JobRow> {
  const at = now();
  const row: JobRow = {
    uuid: newUuid(),
    resource_uuid: j.resource_uuid ?? null,
    provider_uuid: j.provider_uuid ?? null,
    kind: j.kind,
    operation: j.operation,
    state: JOB_PENDING,
    attempt: 0,
    run_after: j.run_after ?? at,
    lease_owner: null,
    lease_until: null,
    progress: '',
    payload: JSON.stringify(j.payload ?? {}),
    error: '',
    created: at,
    modified: at,
  };
  await db.insertInto('portal_jobs').values(row).execute();
  return row;
}

/** True when the resource has a job that is queued or held by a live lease. */
export async function hasLiveJob(db: Kysely<PortalDB>, resourceUuid: string, at = now()): Promise<boolean> {
  const r = await db
    .selectFrom('portal_jobs')
    .select('uuid')
    .where('resource_uuid', '=', resourceUuid)
    .where((eb) =>
      eb.or([
        eb('state', '=', JOB_PENDING),
        eb.and([eb('state', '=', JOB_RUNNING), eb('lease_until', '>', at)]),
      ]),
    )
    .executeTakeFirst();
  return r !== undefined;
}
