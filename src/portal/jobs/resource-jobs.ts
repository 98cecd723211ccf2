/**
 * What a job means for its resource. A resource's job moves it to the running state (CREATING, UPDATING,
 * DELETING), calls the backend, and then, in one transaction with an audit event: OK with the backend's
 * record (a delete removes the row and its sub-resources), or, once the job fails for good, ERRED with
 * the OpenStack error (its request id included). A retriable failure puts the resource back in its
 * scheduled state with the error shown, until the retry runs. `pull` jobs change no state here: pull.ts
 * writes what it finds.
 */
import type { Kysely } from 'kysely';
import type { BackendRecord } from '../backend/contract.ts';
import { ERRED, OK, scheduledState } from '../resources/states.ts';
import { now } from '../store/index.ts';
import type { JobRow, PortalDB, ResourceRow } from '../store/schema.ts';
import { type EngineDeps, parseFields } from './engine.ts';
import { type Actor, resourceEvent } from './events.ts';
import { errorText } from './faults.ts';
import { enqueue, type NewJob } from './queue.ts';
import type { JobContext, JobHandler } from './runner.ts';

export interface JobPayload {
  actor?: Actor | undefined;
  spec?: Record<string, unknown> | undefined;
  patch?: Record<string, unknown> | undefined;
  action?: string | undefined;
  body?: Record<string, unknown> | undefined;
}

export interface Outcome {
  record?: BackendRecord | undefined;
  secrets?: Record<string, string> | undefined;
  /** Fields to merge besides the record's (a tenant's quotas). */
  fields?: Record<string, unknown> | undefined;
  deleted?: boolean | undefined;
  /** Audit events besides the outcome's own, written in its transaction (a tenant's quota changes). */
  events?: { event_type: string; message: string; context?: Record<string, unknown> }[] | undefined;
  /** Jobs to queue in the transaction that settles this one (a new tenant's initial pulls). */
  followUp?: NewJob[] | undefined;
}

export type Operation = (r: ResourceRow, job: JobRow, ctx: JobContext, p: JobPayload) => Promise<Outcome>;

const payloadOf = (job: JobRow) => JSON.parse(job.payload) as JobPayload;
const verb = (op: string) => (op === 'create' ? 'creation' : op === 'delete' ? 'deletion' : 'update');

async function resourceOf(db: Kysely<PortalDB>, uuid: string | null): Promise<ResourceRow | undefined> {
  if (!uuid) return undefined;
  return db.selectFrom('portal_resources').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

/** Removes a resource with everything under it (sub-resources; a tenant's whole content). */
export async function removeResource(db: Kysely<PortalDB>, r: ResourceRow): Promise<void> {
  const children = await db
    .selectFrom('portal_resources')
    .selectAll()
    .where((eb) => eb.or([eb('parent_uuid', '=', r.uuid), eb('tenant_uuid', '=', r.uuid)]))
    .execute();
  for (const c of children) await removeResource(db, c);
  await db.deleteFrom('portal_resources').where('uuid', '=', r.uuid).execute();
  if (r.kind === 'tenants') await db.deleteFrom('portal_pulls').where('tenant_uuid', '=', r.uuid).execute();
}

/** The row's new columns from a backend record (fields merged over the old ones). */
export function fromRecord(
  d: EngineDeps,
  r: ResourceRow,
  o: Outcome,
): Partial<ResourceRow> & { modified: string } {
  const set: Partial<ResourceRow> & { modified: string } = { modified: now() };
  const fields = { ...parseFields(r), ...(o.record?.fields ?? {}), ...(o.fields ?? {}) };
  set.fields = JSON.stringify(fields);
  if (o.record) {
    set.backend_id = o.record.backend_id;
    set.name = o.record.name || r.name;
    set.description = o.record.description;
    if (o.record.runtime_state !== undefined) set.runtime_state = o.record.runtime_state;
  }
  if (o.secrets && Object.keys(o.secrets).length > 0) {
    if (!d.secrets) throw new Error('no secret key: cannot store the secrets a backend generated');
    const old = r.secrets ? (JSON.parse(d.secrets.open(r.secrets, r.uuid)) as Record<string, string>) : {};
    set.secrets = d.secrets.seal(JSON.stringify({ ...old, ...o.secrets }), r.uuid);
  }
  return set;
}

export function resourceHandler(d: EngineDeps, ops: Readonly<Record<string, Operation>>): JobHandler {
  const db = d.store.db;
  return {
    async run(job, ctx) {
      const r = await resourceOf(db, job.resource_uuid);
      if (!r) return; // removed meanwhile: nothing left to do
      const p = payloadOf(job);
      const op = ops[job.operation];
      if (!op) throw new Error(`${job.kind}: no operation ${job.operation}`);
      if (job.operation === 'pull') {
        await op(r, job, ctx, p);
        return;
      }
      const { running } = scheduledState(job.operation);
      await db
        .updateTable('portal_resources')
        .set({ state: running, modified: now() })
        .where('uuid', '=', r.uuid)
        .execute();
      const outcome = await op({ ...r, state: running }, job, ctx, p);
      if (ctx.signal.aborted) return;
      const what = p.action ?? job.operation;
      await db.transaction().execute(async (trx) => {
        const fresh = await resourceOf(trx, r.uuid);
        if (!fresh) return;
        if (outcome.deleted) {
          await removeResource(trx, fresh);
        } else {
          const set = fromRecord(d, fresh, outcome);
          const failedInOpenStack = (set.runtime_state ?? fresh.runtime_state).toUpperCase() === 'ERROR';
          await trx
            .updateTable('portal_resources')
            .set({
              ...set,
              state: failedInOpenStack ? ERRED : OK,
              error_message: failedInOpenStack ? `OpenStack reports ${job.kind} in ERROR` : '',
            })
            .where('uuid', '=', r.uuid)
            .execute();
        }
        for (const j of outcome.followUp ?? []) await enqueue(trx, j);
        for (const e of outcome.events ?? []) await resourceEvent(trx, fresh, { ...e, actor: p.actor });
        await resourceEvent(trx, fresh, {
          event_type: `resource_${verb(job.operation)}_succeeded`,
          message: `${job.kind} ${fresh.name}: ${what} succeeded`,
          actor: p.actor,
          context: { operation: job.operation, action: what, job: job.uuid },
        });
      });
      if (outcome.followUp?.length) d.wake();
    },
    async failed(job, err) {
      const r = await resourceOf(db, job.resource_uuid);
      if (!r || job.operation === 'pull') return;
      const p = payloadOf(job);
      const message = errorText(err);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('portal_resources')
          .set({ state: ERRED, error_message: message, modified: now() })
          .where('uuid', '=', r.uuid)
          .execute();
        await resourceEvent(trx, r, {
          event_type: `resource_${verb(job.operation)}_failed`,
          message: `${job.kind} ${r.name}: ${p.action ?? job.operation} failed: ${message}`,
          actor: p.actor,
          context: {
            operation: job.operation,
            action: p.action ?? job.operation,
            job: job.uuid,
            error: message,
          },
        });
      });
    },
    async retrying(job, err, runAfter) {
      const r = await resourceOf(db, job.resource_uuid);
      if (!r || job.operation === 'pull') return;
      const p = payloadOf(job);
      const message = errorText(err);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('portal_resources')
          .set({
            state: scheduledState(job.operation).scheduled,
            error_message: `${message} (retry after ${runAfter})`,
            modified: now(),
          })
          .where('uuid', '=', r.uuid)
          .execute();
        await resourceEvent(trx, r, {
          event_type: `resource_${verb(job.operation)}_retry_scheduled`,
          message: `${job.kind} ${r.name}: ${p.action ?? job.operation} failed (attempt ${job.attempt}), retried after ${runAfter}: ${message}`,
          actor: p.actor,
          context: {
            operation: job.operation,
            job: job.uuid,
            attempt: job.attempt,
            error: message,
            run_after: runAfter,
          },
        });
      });
    },
  };
}
