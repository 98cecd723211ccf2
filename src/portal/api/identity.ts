/**
 * Identity routes: `POST /api-auth/password/` (username + password → a token, as Waldur answers it) and
 * `/api/users/` (staff create and see everyone; others see and change only themselves; only staff change
 * `is_staff` and `is_active`). Users of the portal are its own, not OpenStack's.
 *
 * @example
 *   registerIdentityRoutes(app, deps);
 */
import { OsnetError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { hashPassword, verifyPassword } from '../identity/password.ts';
import { issueToken } from '../identity/tokens.ts';
import { newUuid, now } from '../store/index.ts';
import { record } from './audit.ts';
import { callerOf, forbidden, notFound, type PortalDeps } from './context.ts';
import { page } from './pagination.ts';
import {
  ErrorBody,
  List,
  LoginBody,
  TokenAnswer,
  User,
  UserCreateBody,
  UserPatchBody,
  UserQuery,
  UuidParams,
} from './schemas.ts';
import { userOut } from './shapes.ts';

const tags = ['identity'];

export function registerIdentityRoutes(app: App, d: PortalDeps): void {
  const db = d.store.db;

  app.post(
    '/api-auth/password/',
    { schema: { tags, body: LoginBody, response: { 200: TokenAnswer, default: ErrorBody }, security: [] } },
    async (req) => {
      const user = await db
        .selectFrom('portal_users')
        .selectAll()
        .where('username', '=', req.body.username)
        .executeTakeFirst();
      const ok = await verifyPassword(req.body.password, user?.password);
      if (!ok || !user || user.is_active !== 1) {
        await record(db, req, {
          event_type: 'auth_login_failed_with_username',
          message: `login failed for ${req.body.username}`,
          // the caller is not authenticated: the name tried is recorded, never the password
          actor: { uuid: null, username: req.body.username },
          resource: user ? ['user', user.uuid] : undefined,
        });
        throw new OsnetError('OSNET_ERR_HTTP_UNAUTHENTICATED', 'invalid username or password');
      }
      const caller = { uuid: user.uuid, username: user.username, staff: user.is_staff === 1 };
      return db.transaction().execute(async (trx) => {
        const t = await issueToken(trx, user.uuid, { lifetimeSeconds: d.tokenLifetimeSeconds });
        await record(trx, req, {
          event_type: 'auth_logged_in_with_username',
          message: `${user.username} logged in`,
          resource: ['user', user.uuid],
          actor: caller,
        });
        return { token: t.key, expires: t.expires };
      });
    },
  );

  app.get(
    '/api/users/',
    { schema: { tags, querystring: UserQuery, response: { 200: List(User), default: ErrorBody } } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      let q = db.selectFrom('portal_users').selectAll();
      if (!c.staff) q = q.where('uuid', '=', c.uuid);
      if (req.query.username !== undefined) q = q.where('username', '=', req.query.username);
      return page(req, reply, q, {
        orderBy: 'username',
        shape: (u: import('../store/schema.ts').UserRow) => userOut(req, u),
      });
    },
  );

  app.get(
    '/api/users/me/',
    { schema: { tags, response: { 200: User, default: ErrorBody } } },
    async (req) => {
      const c = await callerOf(d, req);
      return userOut(
        req,
        await db.selectFrom('portal_users').selectAll().where('uuid', '=', c.uuid).executeTakeFirstOrThrow(),
      );
    },
  );

  const visibleUser = async (req: import('fastify').FastifyRequest, uuid: string) => {
    const c = await callerOf(d, req);
    const u = await db.selectFrom('portal_users').selectAll().where('uuid', '=', uuid).executeTakeFirst();
    if (!u || (!c.staff && u.uuid !== c.uuid)) throw notFound('user');
    return { c, u };
  };

  app.get(
    '/api/users/:uuid/',
    { schema: { tags, params: UuidParams, response: { 200: User, default: ErrorBody } } },
    async (req) => userOut(req, (await visibleUser(req, req.params.uuid)).u),
  );

  app.post(
    '/api/users/',
    { schema: { tags, body: UserCreateBody, response: { 201: User, default: ErrorBody } } },
    async (req, reply) => {
      const c = await callerOf(d, req);
      if (!c.staff) throw forbidden('only staff may create users');
      const b = req.body;
      const at = now();
      const row = {
        uuid: newUuid(),
        username: b.username,
        email: b.email ?? '',
        full_name: b.full_name ?? '',
        password: b.password ? await hashPassword(b.password) : '',
        is_staff: b.is_staff ? 1 : 0,
        is_active: b.is_active === false ? 0 : 1,
        created: at,
        modified: at,
      };
      await db.transaction().execute(async (trx) => {
        const had = await trx
          .selectFrom('portal_users')
          .select('uuid')
          .where('username', '=', b.username)
          .executeTakeFirst();
        if (had)
          throw new OsnetError('OSNET_ERR_PORTAL_EXISTS', `body.username: ${b.username} is taken`, {
            field: 'body.username',
          });
        await trx.insertInto('portal_users').values(row).execute();
        await record(trx, req, {
          event_type: 'user_creation_succeeded',
          message: `user ${row.username} created`,
          resource: ['user', row.uuid],
          context: { username: row.username, is_staff: row.is_staff === 1 },
        });
      });
      return reply.code(201).send(userOut(req, row));
    },
  );

  app.patch(
    '/api/users/:uuid/',
    {
      schema: { tags, params: UuidParams, body: UserPatchBody, response: { 200: User, default: ErrorBody } },
    },
    async (req) => {
      const { c, u } = await visibleUser(req, req.params.uuid);
      const b = req.body;
      if (!c.staff && (b.is_staff !== undefined || b.is_active !== undefined))
        throw forbidden('only staff may change is_staff or is_active');
      const set = {
        ...(b.email === undefined ? {} : { email: b.email }),
        ...(b.full_name === undefined ? {} : { full_name: b.full_name }),
        ...(b.password === undefined ? {} : { password: await hashPassword(b.password) }),
        ...(b.is_staff === undefined ? {} : { is_staff: b.is_staff ? 1 : 0 }),
        ...(b.is_active === undefined ? {} : { is_active: b.is_active ? 1 : 0 }),
        modified: now(),
      };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('portal_users').set(set).where('uuid', '=', u.uuid).execute();
        if (b.password !== undefined || b.is_active === false)
          await trx.deleteFrom('portal_tokens').where('user_uuid', '=', u.uuid).execute();
        await record(trx, req, {
          event_type: 'user_update_succeeded',
          message: `user ${u.username} updated`,
          resource: ['user', u.uuid],
          context: { fields: Object.keys(b) },
        });
      });
      return userOut(req, { ...u, ...set });
    },
  );
}
