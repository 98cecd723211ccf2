/**
 * `/api/openstack-tenants/`: order a tenant (`service_settings` or `offering`, and `project`), list, get,
 * PATCH (name, description: pushed to the Keystone project), delete (the ordered teardown), and the actions `set_quotas`, `pull_quotas`, `quotas` (GET),
 * `change_password`, `create_network`, `create_security_group`, `create_floating_ip`, `pull`, `retry`.
 * Each change is a job (tenant-jobs.ts) and answers 202.
 *
 * @example
 *   registerTenantRoutes(app, deps); // after the kinds it creates into are registered
 */
import { randomBytes } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import { OsnetError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { projectAccess } from '../api/access.ts';
import { callerOf, uuidOf } from '../api/context.ts';
import { ErrorBody, List, UuidParams } from '../api/schemas.ts';
import type { TenantSpec } from '../backend/contract.ts';
import type { EngineDeps } from '../jobs/engine.ts';
import { mayChange, resourceAccess } from '../resources/access.ts';
import { orderResource, queueOperation } from '../resources/orders.ts';
import {
  childAnswer,
  createInTenant,
  listResources,
  registerPullRetry,
  withoutField,
} from '../resources/register-kind.ts';
import { ResourceQuery, resourceSchema } from '../resources/schemas.ts';
import { namesOf, resourceOut } from '../resources/shape.ts';
import type { ResourceRow } from '../store/schema.ts';
import {
  Empty,
  Quota,
  Quotas,
  TENANT_PATCHABLE,
  TenantCreateBody,
  TenantFields,
  tenantPatchSchema,
} from './schemas.ts';

const tags = ['openstack-tenants'];
const base = '/api/openstack-tenants/';
const CREATES: Readonly<Record<string, string>> = {
  create_network: 'networks',
  create_security_group: 'sgp',
  create_floating_ip: 'floating-ips',
};

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 24) || 'tenant';

export function registerTenantRoutes(app: App, d: EngineDeps): void {
  const db = d.store.db;
  const Tenant = resourceSchema(TenantFields);
  const scheduled = { 202: Tenant, default: ErrorBody };

  async function tenantOut(req: import('fastify').FastifyRequest, rows: ResourceRow[], detail?: string) {
    const names = await namesOf(db, rows);
    const pulls =
      rows.length === 1
        ? await db
            .selectFrom('portal_pulls')
            .selectAll()
            .where('tenant_uuid', '=', rows[0]!.uuid)
            .orderBy('kind')
            .execute()
        : [];
    return Promise.all(
      rows.map(async (r) => {
        const extra: Record<string, unknown> = {};
        if (pulls.length > 0)
          extra.pulls = pulls.map(({ kind, pulled, failed, error }) => ({ kind, pulled, failed, error }));
        if (detail && r.secrets && d.secrets && (await d.providers.credentialsVisible(r.provider_uuid))) {
          const secrets = JSON.parse(d.secrets.open(r.secrets, r.uuid)) as Record<string, string>;
          if (secrets.password) extra.user_password = secrets.password;
        }
        return resourceOut(req, r, names, extra);
      }),
    );
  }

  app.get(
    base,
    { schema: { tags, querystring: ResourceQuery, response: { 200: List(Tenant), default: ErrorBody } } },
    async (req, reply) => listResources(d, req, reply, 'tenants'),
  );

  app.post(base, { schema: { tags, body: TenantCreateBody, response: scheduled } }, async (req, reply) => {
    const c = await callerOf(d, req);
    const b = req.body as TenantCreateBody;
    const projectUuid = uuidOf(b.project, 'projects', 'body.project');
    let access: Awaited<ReturnType<typeof projectAccess>>;
    try {
      access = await projectAccess(db, c, projectUuid);
    } catch {
      throw new OsnetError('OSNET_ERR_VALIDATION', 'body.project: no such project', {
        field: 'body.project',
      });
    }
    mayChange(access.access, 'order a tenant');
    if (Boolean(b.offering) === Boolean(b.service_settings))
      throw new OsnetError('OSNET_ERR_VALIDATION', 'body.offering: give offering or service_settings (one)', {
        field: b.offering ? 'body.service_settings' : 'body.offering',
      });
    const as = b.offering ? 'offering' : 'service_settings';
    const field = `body.${as}`;
    const offering = await d.providers.resolve((b.offering ?? b.service_settings)!, as);
    if (!offering || (offering.customer_uuid && offering.customer_uuid !== access.project.customer_uuid))
      throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: no such ${as.replace('_', ' ')}`, { field });
    if (b.quotas && offering.offering_uuid)
      await d.providers.checkQuotas?.(offering.offering_uuid, b.quotas, 'body.quotas');
    const user_username = b.user_username ?? `${slug(b.name)}-${randomBytes(3).toString('hex')}`;
    const spec: TenantSpec = {
      name: b.name,
      description: b.description ?? '',
      project_name: b.name,
      subnet_cidr: b.subnet_cidr ?? '192.168.42.0/24',
      quotas: b.quotas ?? offering.quotas ?? {},
      skip_connection_extnet: b.skip_connection_extnet ?? false,
      user_username,
    };
    const { row } = await orderResource(d, req, c, {
      kind: 'tenants',
      tenant: null,
      project_uuid: projectUuid,
      customer_uuid: access.project.customer_uuid,
      provider_uuid: offering.provider_uuid,
      offering_uuid: offering.offering_uuid,
      name: b.name,
      description: spec.description,
      spec: spec as unknown as Record<string, unknown>,
      fields: { user_username, availability_zone: b.availability_zone ?? '' },
    });
    return reply.code(202).send((await tenantOut(req, [row]))[0]!);
  });

  app.get(
    `${base}:uuid/`,
    { schema: { tags, params: UuidParams, response: { 200: Tenant, default: ErrorBody } } },
    async (req) => {
      const { row, access } = await resourceAccess(db, await callerOf(d, req), 'tenants', req.params.uuid);
      const detail = ['staff', 'owner', 'manager'].includes(access) ? 'credentials' : undefined;
      return (await tenantOut(req, [row], detail))[0]!;
    },
  );

  app.patch(
    `${base}:uuid/`,
    { schema: { tags, params: UuidParams, body: tenantPatchSchema(Tenant), response: scheduled } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const body = req.body as Record<string, unknown>;
      const readOnly = Object.keys(body).find((k) => !(TENANT_PATCHABLE as readonly string[]).includes(k));
      if (readOnly)
        throw new OsnetError(
          'OSNET_ERR_VALIDATION',
          `body.${readOnly}: read-only once the tenant is ordered`,
          {
            field: `body.${readOnly}`,
          },
        );
      const { row, access } = await resourceAccess(db, c, 'tenants', req.params.uuid);
      mayChange(access, 'change a tenant');
      const patch = Object.fromEntries(TENANT_PATCHABLE.flatMap((k) => (k in body ? [[k, body[k]]] : [])));
      const q = await queueOperation(d, req, c, row, 'update', { payload: { patch } });
      return reply.code(202).send((await tenantOut(req, [q.row]))[0]!);
    },
  );

  app.delete(
    `${base}:uuid/`,
    { schema: { tags, params: UuidParams, response: scheduled } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const { row, access } = await resourceAccess(db, c, 'tenants', req.params.uuid);
      mayChange(access, 'delete a tenant');
      const q = await queueOperation(d, req, c, row, 'delete');
      return reply.code(202).send((await tenantOut(req, [q.row]))[0]!);
    },
  );

  const action = (name: string, body: typeof Empty | typeof Quotas) =>
    app.post(
      `${base}:uuid/${name}/`,
      { schema: { tags, params: UuidParams, body, response: scheduled } },
      async (req, reply) => {
        const c = await callerOf(d, req);
        const { row, access } = await resourceAccess(db, c, 'tenants', req.params.uuid);
        mayChange(access, `${name} a tenant`);
        if (name === 'set_quotas' && row.offering_uuid)
          await d.providers.checkQuotas?.(row.offering_uuid, req.body as Record<string, number>, 'body');
        const payload = name === 'set_quotas' ? { body: { quotas: req.body } } : { body: {} };
        const q = await queueOperation(d, req, c, row, 'action', { action: name, payload });
        return reply.code(202).send((await tenantOut(req, [q.row]))[0]!);
      },
    );
  action('set_quotas', Quotas);
  action('pull_quotas', Empty);
  action('change_password', Empty);

  app.get(
    `${base}:uuid/quotas/`,
    { schema: { tags, params: UuidParams, response: { 200: Type.Array(Quota), default: ErrorBody } } },
    async (req) => {
      const { row } = await resourceAccess(db, await callerOf(d, req), 'tenants', req.params.uuid);
      return (
        (JSON.parse(row.fields) as { quotas?: { name: string; limit: number; usage: number }[] }).quotas ?? []
      );
    },
  );

  for (const [name, kind] of Object.entries(CREATES)) {
    const target = d.kinds.get(kind);
    if (!target) continue; // that kind is not served (yet)
    const tenantField =
      Object.entries(target.schemas.refs ?? {}).find(([k, v]) => v === 'tenants' && !k.includes('.'))?.[0] ??
      'tenant';
    app.post(
      `${base}:uuid/${name}/`,
      {
        schema: {
          tags,
          params: UuidParams,
          body: withoutField(target.schemas.create, tenantField),
          response: childAnswer(d, kind),
        },
      },
      async (req, reply) => {
        const c = await callerOf(d, req);
        const { row } = await resourceAccess(db, c, 'tenants', req.params.uuid);
        const made = await createInTenant(
          d,
          req,
          c,
          {
            kind,
            ...target,
            schemas: { ...target.schemas, refs: { ...target.schemas.refs, [tenantField]: 'tenants' } },
          },
          { ...(req.body as Record<string, unknown>), [tenantField]: row.uuid },
        );
        return reply.code(202).send(resourceOut(req, made, await namesOf(db, [made])));
      },
    );
  }

  registerPullRetry(app, d, 'tenants');
}
