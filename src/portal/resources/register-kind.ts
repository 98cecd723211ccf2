/**
 * The routes of one resource kind, from its KindBackend and KindSchemas (src/portal/backend/contract.ts):
 * `GET, POST /api/openstack-<kind>/`, `GET, PATCH, DELETE …/{uuid}/`, `POST …/{uuid}/<action>/` for each
 * action of the schemas, `POST …/{uuid}/pull/` and `…/retry/`. Every change answers 202 with the resource
 * in its scheduled state (or `{detail, job}` for pull and retry); the job does the rest.
 *
 * A new resource is placed by its references: `tenant` (or any field referring to `tenants`), or the
 * field referring to the kind's parent (a subnet's `network`), whose tenant it joins. `creates` maps an
 * action of this kind to a kind it creates under it (a network's `create_subnet` → `subnets`, the
 * network put into the field `field` of the body).
 *
 * @example
 *   registerKind(app, deps, { kind: 'networks', backend, schemas, creates: { create_subnet: { kind: 'subnets', field: 'network' } } });
 */
import { type TObject, type TSchema, Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { OsnetError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { type Caller, callerOf } from '../api/context.ts';
import { emptyPage, page } from '../api/pagination.ts';
import { ErrorBody, List, UuidParams } from '../api/schemas.ts';
import type { KindBackend, KindSchemas } from '../backend/contract.ts';
import type { EngineDeps } from '../jobs/engine.ts';
import type { ResourceRow } from '../store/schema.ts';
import { mayChange, resourceAccess } from './access.ts';
import { type ActionAlias, registerAliases } from './aliases.ts';
import { keptCount, narrowingPhrase, projectsSeen, resourceList } from './list-query.ts';
import { orderResource, queueOperation, retryResource } from './orders.ts';
import { requireSameTenant, resolveRefs } from './refs.ts';
import { ResourceQuery, resourceSchema, ScheduledAnswer } from './schemas.ts';
import { namesOf, resourceOut } from './shape.ts';

export interface KindRoutes {
  kind: string;
  backend: KindBackend;
  schemas: KindSchemas;
  creates?: Readonly<Record<string, { kind: string; field: string }>> | undefined;
  /**
   * An action served at another path too (the seed's `POST /api/openstack-sgp/{uuid}/rules/` is
   * `add_rule`; `DELETE …/rules/{rule_id}/` is `remove_rule` with the path's `rule_id` as its body).
   */
  aliases?: readonly ActionAlias[] | undefined;
}

export { filterResources } from './list-query.ts';

export async function listResources(
  d: EngineDeps,
  req: FastifyRequest,
  reply: import('fastify').FastifyReply,
  kind: string,
) {
  const c = await callerOf(d, req);
  const db = d.store.db;
  const f = req.query as ResourceQuery;
  const seen = await projectsSeen(db, c);
  if (seen === undefined) return emptyPage(req, reply);
  const q = resourceList(db, seen, kind, f, await narrowingPhrase(db, d.store.kind, f));
  const rows = await page(req, reply, q, {
    orderBy: 'name',
    shape: (r: ResourceRow) => r,
    count: () => keptCount(db, seen, kind, f),
    rowsOf: (uuids) => db.selectFrom('portal_resources').selectAll().where('uuid', 'in', uuids),
    keyset: true,
  });
  const names = await namesOf(db, rows, d.kinds.get(kind)?.schemas);
  return rows.map((r) => resourceOut(req, r, names));
}

export async function oneOut(d: EngineDeps, req: FastifyRequest, r: ResourceRow) {
  return resourceOut(req, r, await namesOf(d.store.db, [r], d.kinds.get(r.kind)?.schemas));
}

/** Places and orders a new resource of a kind inside a tenant. */
export async function createInTenant(
  d: EngineDeps,
  req: FastifyRequest,
  c: Caller,
  r: KindRoutes,
  body: Record<string, unknown>,
): Promise<ResourceRow> {
  r.schemas.check?.create?.(body);
  const { body: spec, rows, all } = await resolveRefs(d.store.db, c, body, r.schemas.refs);
  const refKinds = Object.entries(r.schemas.refs ?? {}).filter(([k]) => !k.includes('.'));
  const parentField = refKinds.find(([, k]) => k === r.schemas.parent)?.[0];
  // where it goes: its `tenant`; else its parent's tenant, or that of any resource it refers to (a port by
  // its network, an RBAC policy by its network, not by its `target_tenant`); else any tenant it names
  const tenantField =
    refKinds.find(([f, k]) => f === 'tenant' && k === 'tenants')?.[0] ??
    refKinds.find(([, k]) => k === 'tenants')?.[0];
  const parent = parentField ? rows.get(parentField) : undefined;
  let tenant = refKinds.some(([f]) => f === 'tenant') ? rows.get('tenant') : undefined;
  const via = parent ?? [...rows.values()].find((x) => x.tenant_uuid);
  if (!tenant && via?.tenant_uuid)
    tenant = (await resourceAccess(d.store.db, c, 'tenants', via.tenant_uuid)).row;
  if (!tenant && tenantField) tenant = rows.get(tenantField);
  if (tenant) requireSameTenant(all, tenant.uuid);
  if (!tenant) {
    const field = `body.${parentField ?? tenantField ?? 'tenant'}`;
    throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: required (where the ${r.kind} goes)`, { field });
  }
  if (r.schemas.parent && !parent) {
    const field = `body.${parentField ?? r.schemas.parent}`;
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      `${field}: required (the ${r.schemas.parent} it belongs to)`,
      { field },
    );
  }
  const { access } = await resourceAccess(d.store.db, c, 'tenants', tenant.uuid);
  mayChange(access, `create ${r.kind}`);
  if (tenant.state !== 'OK' || !tenant.backend_id)
    throw new OsnetError('OSNET_ERR_PORTAL_STATE', `tenant ${tenant.name} is ${tenant.state}: it must be OK`);
  const { row } = await orderResource(d, req, c, {
    kind: r.kind,
    tenant,
    parent,
    project_uuid: tenant.project_uuid,
    customer_uuid: tenant.customer_uuid,
    provider_uuid: tenant.provider_uuid,
    name: typeof body.name === 'string' ? body.name : '',
    description: typeof body.description === 'string' ? body.description : '',
    spec,
  });
  return row;
}

const tagsOf = (kind: string) => [`openstack-${kind}`];

/** A create schema without the field an action fills in itself (the parent's reference). */
export function withoutField(schema: TSchema, field: string): TSchema {
  // Type.Omit drops the object's options: without carrying additionalProperties over, a tenant's
  // create_<kind> took (and passed on) fields the kind's own create refuses
  const { additionalProperties } = schema as TObject & { additionalProperties?: boolean | TSchema };
  return Type.Omit(
    schema as TObject,
    [field],
    additionalProperties === undefined ? {} : { additionalProperties },
  );
}

/** The 202 answer of an action that creates a resource of another kind. */
export function childAnswer(d: EngineDeps, kind: string) {
  return { 202: resourceSchema(d.kinds.get(kind)?.schemas.fields), default: ErrorBody };
}

export function registerKind(app: App, d: EngineDeps, r: KindRoutes): void {
  const base = `/api/openstack-${r.kind}/`;
  const item = resourceSchema(r.schemas.fields);
  const tags = tagsOf(r.kind);
  const scheduled = { 202: item, default: ErrorBody };
  d.kinds.set(r.kind, { backend: r.backend, schemas: r.schemas });

  app.get(
    base,
    { schema: { tags, querystring: ResourceQuery, response: { 200: List(item), default: ErrorBody } } },
    async (req, reply) => listResources(d, req, reply, r.kind),
  );

  app.post(base, { schema: { tags, body: r.schemas.create, response: scheduled } }, async (req, reply) => {
    const c = await callerOf(d, req);
    const row = await createInTenant(d, req, c, r, req.body as Record<string, unknown>);
    return reply.code(202).send(await oneOut(d, req, row));
  });

  app.get(
    `${base}:uuid/`,
    { schema: { tags, params: UuidParams, response: { 200: item, default: ErrorBody } } },
    async (req) => {
      const { row } = await resourceAccess(d.store.db, await callerOf(d, req), r.kind, req.params.uuid);
      return oneOut(d, req, row);
    },
  );

  if (r.schemas.patch && r.backend.update)
    app.patch(
      `${base}:uuid/`,
      { schema: { tags, params: UuidParams, body: r.schemas.patch, response: scheduled } },
      async (req, reply) => {
        const c = await callerOf(d, req);
        const { row, access } = await resourceAccess(d.store.db, c, r.kind, req.params.uuid);
        mayChange(access, `change ${r.kind}`);
        r.schemas.check?.patch?.(req.body as Record<string, unknown>);
        const { body, all } = await resolveRefs(
          d.store.db,
          c,
          req.body as Record<string, unknown>,
          r.schemas.refs,
        );
        requireSameTenant(all, row.tenant_uuid ?? '');
        const q = await queueOperation(d, req, c, row, 'update', { payload: { patch: body } });
        return reply.code(202).send(await oneOut(d, req, q.row));
      },
    );

  app.delete(
    `${base}:uuid/`,
    { schema: { tags, params: UuidParams, response: scheduled } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const { row, access } = await resourceAccess(d.store.db, c, r.kind, req.params.uuid);
      mayChange(access, `delete ${r.kind}`);
      const q = await queueOperation(d, req, c, row, 'delete');
      return reply.code(202).send(await oneOut(d, req, q.row));
    },
  );

  const actions: Record<string, TSchema> = { ...(r.schemas.actions ?? {}) };
  for (const [action, child] of Object.entries(r.creates ?? {})) {
    const target = d.kinds.get(child.kind);
    if (target) actions[action] ??= withoutField(target.schemas.create, child.field);
  }
  const runAction = async (
    req: FastifyRequest,
    reply: import('fastify').FastifyReply,
    action: string,
    given: Record<string, unknown>,
  ) => {
    const c = await callerOf(d, req);
    const uuid = (req.params as { uuid: string }).uuid;
    const { row, access } = await resourceAccess(d.store.db, c, r.kind, uuid);
    mayChange(access, `${action} ${r.kind}`);
    r.schemas.check?.[action]?.(given);
    const child = r.creates?.[action];
    if (child) {
      const target = d.kinds.get(child.kind);
      if (!target) throw new OsnetError('OSNET_ERR_UNSUPPORTED', `${child.kind} are not served`);
      const made = await createInTenant(
        d,
        req,
        c,
        { kind: child.kind, ...target },
        { ...given, [child.field]: row.uuid },
      );
      return reply.code(202).send(await oneOut(d, req, made));
    }
    const { body, all } = await resolveRefs(d.store.db, c, given, r.schemas.refs, `${action}.`);
    requireSameTenant(all, row.tenant_uuid ?? '');
    const q = await queueOperation(d, req, c, row, 'action', { action, payload: { body } });
    return reply.code(202).send(await oneOut(d, req, q.row));
  };
  for (const [action, schema] of Object.entries(actions)) {
    const child = r.creates?.[action];
    app.post(
      `${base}:uuid/${action}/`,
      {
        schema: {
          tags,
          params: UuidParams,
          body: schema,
          response: child ? childAnswer(d, child.kind) : scheduled,
        },
      },
      (req, reply) => runAction(req, reply, action, req.body as Record<string, unknown>),
    );
  }
  registerAliases(app, base, { tags, aliases: r.aliases, actions, answer: scheduled, run: runAction });

  registerPullRetry(app, d, r.kind);
}

/** `POST …/{uuid}/pull/` and `…/retry/` (for tenants too). */
export function registerPullRetry(app: App, d: EngineDeps, kind: string): void {
  const base = `/api/openstack-${kind}/`;
  const tags = tagsOf(kind);
  const answer = { 202: ScheduledAnswer, default: ErrorBody };
  app.post(
    `${base}:uuid/pull/`,
    { schema: { tags, params: UuidParams, response: answer } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const { row, access } = await resourceAccess(d.store.db, c, kind, req.params.uuid);
      mayChange(access, `pull ${kind}`);
      const q = await queueOperation(d, req, c, row, 'pull');
      return reply.code(202).send({ detail: 'Pull operation was scheduled.', job: q.job.uuid });
    },
  );
  app.post(
    `${base}:uuid/retry/`,
    { schema: { tags, params: UuidParams, response: answer } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const { row, access } = await resourceAccess(d.store.db, c, kind, req.params.uuid);
      mayChange(access, `retry ${kind}`);
      const q = await retryResource(d, req, c, row);
      return reply.code(202).send({ detail: `${q.job.operation} was scheduled again.`, job: q.job.uuid });
    },
  );
}
