/**
 * The write side every resource route shares: a change is its resource's new state, its job and its audit
 * event, in one transaction; then the runner is woken. The state check is part of the update (`where
 * state = <what the caller saw>`), so two requests racing on one resource cannot both queue.
 */
import type { FastifyRequest } from 'fastify';
import { OsnetError } from '../../lib/errors.ts';
import { record } from '../api/audit.ts';
import type { Caller } from '../api/context.ts';
import type { EngineDeps } from '../jobs/engine.ts';
import { enqueue } from '../jobs/queue.ts';
import { newUuid, now } from '../store/index.ts';
import type { JobRow, ResourceRow } from '../store/schema.ts';
import { CREATION_SCHEDULED, ERRED, OK, scheduledState } from './states.ts';

export interface NewResource {
  kind: string;
  tenant: ResourceRow | null;
  parent?: ResourceRow | undefined;
  project_uuid: string;
  customer_uuid: string;
  provider_uuid: string;
  offering_uuid?: string | null | undefined;
  name: string;
  description: string;
  /** What the backend's create gets (references already resolved). */
  spec: Record<string, unknown>;
  /** Fields shown before the backend answers (a tenant's user_username). */
  fields?: Record<string, unknown> | undefined;
}

const actorOf = (c: Caller) => ({ uuid: c.uuid, username: c.username });

export async function orderResource(
  d: EngineDeps,
  req: FastifyRequest,
  c: Caller,
  n: NewResource,
): Promise<{ row: ResourceRow; job: JobRow }> {
  const at = now();
  const row: ResourceRow = {
    uuid: newUuid(),
    kind: n.kind,
    tenant_uuid: n.tenant?.uuid ?? null,
    project_uuid: n.project_uuid,
    customer_uuid: n.customer_uuid,
    provider_uuid: n.provider_uuid,
    offering_uuid: n.offering_uuid ?? null,
    parent_uuid: n.parent?.uuid ?? null,
    name: n.name,
    description: n.description,
    state: CREATION_SCHEDULED,
    runtime_state: '',
    backend_id: null,
    error_message: '',
    action: 'create',
    fields: JSON.stringify(n.fields ?? {}),
    secrets: null,
    backend_missing_since: null,
    created: at,
    modified: at,
  };
  const job = await d.store.db.transaction().execute(async (trx) => {
    await trx.insertInto('portal_resources').values(row).execute();
    const j = await enqueue(trx, {
      kind: n.kind,
      operation: 'create',
      resource_uuid: row.uuid,
      provider_uuid: n.provider_uuid,
      payload: { actor: actorOf(c), spec: n.spec },
    });
    await record(trx, req, {
      event_type: 'resource_creation_scheduled',
      message: `${n.kind} ${n.name}: creation scheduled`,
      resource: [n.kind, row.uuid],
      customer: n.customer_uuid,
      context: { job: j.uuid },
    });
    return j;
  });
  d.wake();
  return { row, job };
}

/** Which states allow which operation (Waldur's state validators). */
export function allowedStates(operation: string): readonly string[] {
  if (operation === 'delete' || operation === 'pull') return [OK, ERRED];
  if (operation === 'retry') return [ERRED];
  return [OK];
}

export async function queueOperation(
  d: EngineDeps,
  req: FastifyRequest,
  c: Caller,
  row: ResourceRow,
  operation: string,
  o: { action?: string; payload?: Record<string, unknown>; allowed?: readonly string[] } = {},
): Promise<{ row: ResourceRow; job: JobRow }> {
  const allowed = o.allowed ?? allowedStates(o.action ?? operation);
  const what = o.action ?? operation;
  if (!allowed.includes(row.state))
    throw new OsnetError(
      'OSNET_ERR_PORTAL_STATE',
      `${row.kind} ${row.name} is ${row.state}: ${what} needs ${allowed.join(' or ')}`,
    );
  const at = now();
  const changes = operation !== 'pull';
  const set = changes ? { state: scheduledState(operation).scheduled, action: what, modified: at } : {};
  const job = await d.store.db.transaction().execute(async (trx) => {
    if (changes) {
      const r = await trx
        .updateTable('portal_resources')
        .set(set)
        .where('uuid', '=', row.uuid)
        .where('state', '=', row.state)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new OsnetError(
          'OSNET_ERR_PORTAL_STATE',
          `${row.kind} ${row.name} changed meanwhile: try again`,
        );
    }
    const j = await enqueue(trx, {
      kind: row.kind,
      operation,
      resource_uuid: row.uuid,
      provider_uuid: row.provider_uuid,
      payload: { actor: actorOf(c), ...o.payload, ...(o.action ? { action: o.action } : {}) },
    });
    await record(trx, req, {
      event_type: `resource_${operation === 'delete' ? 'deletion' : operation === 'pull' ? 'pull' : 'update'}_scheduled`,
      message: `${row.kind} ${row.name}: ${what} scheduled`,
      resource: [row.kind, row.uuid],
      customer: row.customer_uuid,
      context: { job: j.uuid, operation, action: what },
    });
    return j;
  });
  d.wake();
  return { row: { ...row, ...set }, job };
}

/** Runs the resource's last failed job again (its create, update, action or delete). */
export async function retryResource(
  d: EngineDeps,
  req: FastifyRequest,
  c: Caller,
  row: ResourceRow,
): Promise<{ row: ResourceRow; job: JobRow }> {
  const last = await d.store.db
    .selectFrom('portal_jobs')
    .selectAll()
    .where('resource_uuid', '=', row.uuid)
    .where('state', '=', 'ERRED')
    .where('operation', '!=', 'pull')
    .orderBy('created', 'desc')
    .executeTakeFirst();
  if (!last) return queueOperation(d, req, c, row, 'pull', { allowed: [ERRED] });
  const payload = JSON.parse(last.payload) as Record<string, unknown>;
  delete payload.actor;
  return queueOperation(d, req, c, row, last.operation, {
    payload,
    allowed: [ERRED],
    ...(typeof payload.action === 'string' ? { action: payload.action } : {}),
  });
}
