/**
 * Role management with Waldur's actions: `POST /api/customers/{uuid}/add_user/`, `…/delete_user/`,
 * `GET …/list_users/`, and the same under `/api/projects/{uuid}/`. Bodies are `{ user, role }`, the user
 * as URL or uuid, roles `CUSTOMER.OWNER`, `PROJECT.MANAGER`, `PROJECT.MEMBER`. Staff and owners manage
 * every role; a project manager adds and removes members only; members manage none.
 *
 * @example
 *   registerRoleRoutes(app, deps);
 */
import type { FastifyRequest } from 'fastify';
import { OsnetError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { now } from '../store/index.ts';
import { allow, customerAccess, PROJECT_MEMBER, projectAccess } from './access.ts';
import { record } from './audit.ts';
import { type Caller, callerOf, type PortalDeps, uuidOf } from './context.ts';
import {
  CustomerRoleBody,
  DeleteRoleBody,
  ErrorBody,
  List,
  ProjectRoleBody,
  RoleAnswer,
  type RoleBody,
  UuidParams,
} from './schemas.ts';
import { roleOut } from './shapes.ts';

type Table = 'portal_customer_roles' | 'portal_project_roles';

interface Scope {
  kind: 'customer' | 'project';
  table: Table;
  /** The caller's access, checked to be allowed to manage `role` (throws 403 otherwise). */
  check(
    req: FastifyRequest,
    c: Caller,
    uuid: string,
    role?: string,
  ): Promise<{ customer: string; name: string }>;
}

export function registerRoleRoutes(app: App, d: PortalDeps): void {
  const db = d.store.db;

  const customer: Scope = {
    kind: 'customer',
    table: 'portal_customer_roles',
    async check(_req, c, uuid, role) {
      const { customer: row, access } = await customerAccess(db, c, uuid);
      if (role !== undefined) allow(access, ['staff', 'owner'], 'manage organisation roles');
      return { customer: row.uuid, name: row.name };
    },
  };
  const project: Scope = {
    kind: 'project',
    table: 'portal_project_roles',
    async check(_req, c, uuid, role) {
      const { project: row, access } = await projectAccess(db, c, uuid);
      if (role !== undefined && !(access === 'manager' && role === PROJECT_MEMBER))
        allow(access, ['staff', 'owner'], `manage the role ${role}`);
      return { customer: row.customer_uuid, name: row.name };
    },
  };

  const userRef = async (ref: string) => {
    const uuid = uuidOf(ref, 'users', 'body.user');
    const u = await db
      .selectFrom('portal_users')
      .select(['uuid', 'username'])
      .where('uuid', '=', uuid)
      .executeTakeFirst();
    if (!u) throw new OsnetError('OSNET_ERR_VALIDATION', 'body.user: no such user', { field: 'body.user' });
    return u;
  };

  for (const [s, Body] of [
    [customer, CustomerRoleBody],
    [project, ProjectRoleBody],
  ] as const) {
    const base = `/api/${s.kind}s/:uuid`;
    const tags = [`${s.kind}s`];

    app.post(
      `${base}/add_user/`,
      { schema: { tags, params: UuidParams, body: Body, response: { 201: RoleAnswer, default: ErrorBody } } },
      async (req, reply) => {
        const c = await callerOf(d, req);
        const b = req.body as RoleBody;
        const scope = await s.check(req, c, req.params.uuid, b.role);
        const u = await userRef(b.user);
        const row = {
          scope_uuid: req.params.uuid,
          user_uuid: u.uuid,
          role: b.role,
          created: now(),
          created_by: c.uuid,
        };
        await db.transaction().execute(async (trx) => {
          const had = await trx
            .selectFrom(s.table)
            .select('role')
            .where('scope_uuid', '=', row.scope_uuid)
            .where('user_uuid', '=', u.uuid)
            .executeTakeFirst();
          if (had)
            throw new OsnetError(
              'OSNET_ERR_PORTAL_EXISTS',
              `body.user: ${u.username} has the role ${had.role} here already`,
              {
                field: 'body.user',
              },
            );
          await trx.insertInto(s.table).values(row).execute();
          await record(trx, req, {
            event_type: 'role_granted',
            message: `${u.username} is now ${b.role} of ${s.kind} ${scope.name}`,
            resource: [s.kind, row.scope_uuid],
            customer: scope.customer,
            context: { user_uuid: u.uuid, username: u.username, role: b.role },
          });
        });
        const full = await db
          .selectFrom('portal_users')
          .select('full_name')
          .where('uuid', '=', u.uuid)
          .executeTakeFirstOrThrow();
        return reply
          .code(201)
          .send(roleOut(req, { ...row, username: u.username, full_name: full.full_name }));
      },
    );

    app.post(
      `${base}/delete_user/`,
      {
        schema: {
          tags,
          params: UuidParams,
          body: DeleteRoleBody,
          response: { 204: { type: 'null' }, default: ErrorBody },
        },
      },
      async (req, reply) => {
        const c = await callerOf(d, req);
        const scope = await s.check(req, c, req.params.uuid, req.body.role);
        const u = await userRef(req.body.user);
        await db.transaction().execute(async (trx) => {
          const gone = await trx
            .deleteFrom(s.table)
            .where('scope_uuid', '=', req.params.uuid)
            .where('user_uuid', '=', u.uuid)
            .where('role', '=', req.body.role)
            .executeTakeFirst();
          if (Number(gone.numDeletedRows) === 0)
            throw new OsnetError(
              'OSNET_ERR_VALIDATION',
              `body.role: ${u.username} does not have the role ${req.body.role} here`,
              {
                field: 'body.role',
              },
            );
          await record(trx, req, {
            event_type: 'role_revoked',
            message: `${u.username} is no longer ${req.body.role} of ${s.kind} ${scope.name}`,
            resource: [s.kind, req.params.uuid],
            customer: scope.customer,
            context: { user_uuid: u.uuid, username: u.username, role: req.body.role },
          });
        });
        return reply.code(204).send(null);
      },
    );

    app.get(
      `${base}/list_users/`,
      { schema: { tags, params: UuidParams, response: { 200: List(RoleAnswer), default: ErrorBody } } },
      async (req) => {
        const c = await callerOf(d, req);
        await s.check(req, c, req.params.uuid);
        const rows = await db
          .selectFrom(s.table)
          .innerJoin('portal_users', 'portal_users.uuid', `${s.table}.user_uuid`)
          .selectAll(s.table)
          .select(['portal_users.username', 'portal_users.full_name'])
          .where(`${s.table}.scope_uuid`, '=', req.params.uuid)
          .orderBy('portal_users.username')
          .execute();
        return rows.map((r) => roleOut(req, r));
      },
    );
  }
}
