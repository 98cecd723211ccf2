/**
 * `GET /api/jobs/` and `/api/jobs/{uuid}/`: the engine's jobs, so an operator or a tenant's owner sees
 * what runs, waits, failed, and the step it reached. Waldur has no such route (its Celery tasks are not
 * exposed); this one is the portal's own. Staff see every job, schedule runs included; others the jobs of
 * the resources they can see. The payload (the resolved order) is never shown.
 */
import { type Static, Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../server/app.ts';
import { type Caller, callerOf, notFound, objectUrl } from '../api/context.ts';
import { PageQuery, page } from '../api/pagination.ts';
import { ErrorBody, List, UuidParams } from '../api/schemas.ts';
import { visibleResources } from '../resources/access.ts';
import type { JobRow } from '../store/schema.ts';
import type { EngineDeps } from './engine.ts';

const Uuid = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Time = Type.String({ format: 'date-time' });

export const Job = Type.Object({
  uuid: Uuid,
  url: Type.String(),
  resource: Type.Union([Type.String(), Type.Null()]),
  resource_uuid: Type.Union([Uuid, Type.Null()]),
  kind: Type.String({ description: 'the resource kind, or `schedule` for a schedule run' }),
  operation: Type.String({ description: 'create, update, delete, action, pull, or the schedule name' }),
  action: Type.String(),
  state: Type.Union([
    Type.Literal('PENDING'),
    Type.Literal('RUNNING'),
    Type.Literal('DONE'),
    Type.Literal('ERRED'),
  ]),
  attempt: Type.Integer(),
  run_after: Time,
  progress: Type.String(),
  error: Type.String(),
  created: Time,
  modified: Time,
});

export const JobQuery = Type.Object({
  ...PageQuery,
  resource_uuid: Type.Optional(Uuid),
  kind: Type.Optional(Type.String()),
  operation: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
});
type JobQuery = Static<typeof JobQuery>;

function jobOut(req: FastifyRequest, j: JobRow) {
  const p = JSON.parse(j.payload) as { action?: unknown };
  return {
    uuid: j.uuid,
    url: objectUrl(req, 'jobs', j.uuid),
    resource:
      j.resource_uuid && j.kind !== 'schedule'
        ? objectUrl(req, `openstack-${j.kind}`, j.resource_uuid)
        : null,
    resource_uuid: j.resource_uuid,
    kind: j.kind,
    operation: j.operation,
    action: typeof p.action === 'string' ? p.action : j.operation,
    state: j.state as 'PENDING' | 'RUNNING' | 'DONE' | 'ERRED',
    attempt: j.attempt,
    run_after: j.run_after,
    progress: j.progress,
    error: j.error,
    created: j.created,
    modified: j.modified,
  };
}

function visibleJobs(d: EngineDeps, c: Caller) {
  const db = d.store.db;
  return (eb: import('kysely').ExpressionBuilder<import('../store/schema.ts').PortalDB, 'portal_jobs'>) =>
    eb(
      'resource_uuid',
      'in',
      db.selectFrom('portal_resources').select('uuid').where(visibleResources(db, c)),
    );
}

export function registerJobRoutes(app: App, d: EngineDeps): void {
  const db = d.store.db;
  const tags = ['jobs'];
  app.get(
    '/api/jobs/',
    { schema: { tags, querystring: JobQuery, response: { 200: List(Job), default: ErrorBody } } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const f = req.query as JobQuery;
      let q = db.selectFrom('portal_jobs').selectAll();
      if (!c.staff) q = q.where(visibleJobs(d, c));
      if (f.resource_uuid) q = q.where('resource_uuid', '=', f.resource_uuid);
      if (f.kind) q = q.where('kind', '=', f.kind);
      if (f.operation) q = q.where('operation', '=', f.operation);
      if (f.state) q = q.where('state', '=', f.state);
      return page(req, reply, q, { orderBy: 'created', desc: true, shape: (j: JobRow) => jobOut(req, j) });
    },
  );
  app.get(
    '/api/jobs/:uuid/',
    { schema: { tags, params: UuidParams, response: { 200: Job, default: ErrorBody } } },
    async (req) => {
      const c = await callerOf(d, req);
      let q = db.selectFrom('portal_jobs').selectAll().where('uuid', '=', req.params.uuid);
      if (!c.staff) q = q.where(visibleJobs(d, c));
      const j = await q.executeTakeFirst();
      if (!j) throw notFound('job');
      return jobOut(req, j);
    },
  );
}
