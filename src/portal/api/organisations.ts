/**
 * Organisations (Waldur's customers) and their projects: `/api/customers/`, `/api/projects/`, each with
 * `/{uuid}/`. Staff create and delete organisations; owners change theirs and create, change and delete
 * its projects; project managers change their project. Lists and lookups only ever see what access.ts
 * allows: another organisation's objects answer 404.
 *
 * @example
 *   registerOrganisationRoutes(app, deps);
 */
import type { FastifyRequest } from 'fastify';
import { OsnetError } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { newUuid, now } from '../store/index.ts';
import type { CustomerRow } from '../store/schema.ts';
import { allow, customerAccess, projectAccess, visibleCustomers, visibleProjects } from './access.ts';
import { record } from './audit.ts';
import { callerOf, forbidden, type PortalDeps, uuidOf } from './context.ts';
import { tableCount } from './kept-counts.ts';
import { page } from './pagination.ts';
import {
  Customer,
  CustomerCreateBody,
  CustomerPatchBody,
  CustomerQuery,
  ErrorBody,
  List,
  Project,
  ProjectCreateBody,
  ProjectPatchBody,
  ProjectQuery,
  UuidParams,
} from './schemas.ts';
import { customerOut, projectOut } from './shapes.ts';

const customerTags = ['customers'];
const projectTags = ['projects'];
const Deleted = { 204: { type: 'null', description: 'deleted' }, default: ErrorBody };

export function registerOrganisationRoutes(app: App, d: PortalDeps): void {
  const db = d.store.db;

  app.get(
    '/api/customers/',
    {
      schema: {
        tags: customerTags,
        querystring: CustomerQuery,
        response: { 200: List(Customer), default: ErrorBody },
      },
    },
    async (req, reply) => {
      const c = await callerOf(d, req);
      let q = db.selectFrom('portal_customers').selectAll();
      if (!c.staff) q = q.where(visibleCustomers(db, c));
      if (req.query.name !== undefined) q = q.where('name', '=', req.query.name);
      const whole = c.staff && req.query.name === undefined;
      return page(req, reply, q, {
        orderBy: 'name',
        shape: (r: CustomerRow) => customerOut(req, r),
        count: async () => (whole ? tableCount(db, 'portal_customers') : undefined),
        rowsOf: (uuids) => db.selectFrom('portal_customers').selectAll().where('uuid', 'in', uuids),
        keyset: true,
      });
    },
  );

  app.post(
    '/api/customers/',
    {
      schema: {
        tags: customerTags,
        body: CustomerCreateBody,
        response: { 201: Customer, default: ErrorBody },
      },
    },
    async (req, reply) => {
      const c = await callerOf(d, req);
      if (!c.staff) throw forbidden('only staff may create organisations');
      const at = now();
      const row = {
        uuid: newUuid(),
        name: req.body.name,
        abbreviation: req.body.abbreviation ?? '',
        email: req.body.email ?? '',
        created: at,
        modified: at,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('portal_customers').values(row).execute();
        await record(trx, req, {
          event_type: 'customer_creation_succeeded',
          message: `organisation ${row.name} created`,
          resource: ['customer', row.uuid],
          customer: row.uuid,
          context: { name: row.name },
        });
      });
      return reply.code(201).send(customerOut(req, row));
    },
  );

  app.get(
    '/api/customers/:uuid/',
    { schema: { tags: customerTags, params: UuidParams, response: { 200: Customer, default: ErrorBody } } },
    async (req) =>
      customerOut(req, (await customerAccess(db, await callerOf(d, req), req.params.uuid)).customer),
  );

  app.patch(
    '/api/customers/:uuid/',
    {
      schema: {
        tags: customerTags,
        params: UuidParams,
        body: CustomerPatchBody,
        response: { 200: Customer, default: ErrorBody },
      },
    },
    async (req) => {
      const { customer, access } = await customerAccess(db, await callerOf(d, req), req.params.uuid);
      allow(access, ['staff', 'owner'], 'change an organisation');
      const set = { ...req.body, modified: now() };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('portal_customers').set(set).where('uuid', '=', customer.uuid).execute();
        await record(trx, req, {
          event_type: 'customer_update_succeeded',
          message: `organisation ${customer.name} updated`,
          resource: ['customer', customer.uuid],
          customer: customer.uuid,
          context: { fields: Object.keys(req.body) },
        });
      });
      return customerOut(req, { ...customer, ...set });
    },
  );

  app.delete(
    '/api/customers/:uuid/',
    { schema: { tags: customerTags, params: UuidParams, response: Deleted } },
    async (req, reply) => {
      const { customer, access } = await customerAccess(db, await callerOf(d, req), req.params.uuid);
      allow(access, ['staff'], 'delete an organisation');
      await db.transaction().execute(async (trx) => {
        const projects = await trx
          .selectFrom('portal_projects')
          .select('uuid')
          .where('customer_uuid', '=', customer.uuid)
          .executeTakeFirst();
        if (projects)
          throw new OsnetError(
            'OSNET_ERR_STORE_REFERENCED',
            'the organisation has projects: delete them first',
          );
        await trx.deleteFrom('portal_customers').where('uuid', '=', customer.uuid).execute();
        await record(trx, req, {
          event_type: 'customer_deletion_succeeded',
          message: `organisation ${customer.name} deleted`,
          resource: ['customer', customer.uuid],
          customer: customer.uuid,
        });
      });
      return reply.code(204).send();
    },
  );

  const projects = () =>
    db
      .selectFrom('portal_projects')
      .innerJoin('portal_customers', 'portal_customers.uuid', 'portal_projects.customer_uuid')
      .selectAll('portal_projects')
      .select('portal_customers.name as customer_name');

  const withCustomer = async (req: FastifyRequest, uuid: string) =>
    projectOut(req, await projects().where('portal_projects.uuid', '=', uuid).executeTakeFirstOrThrow());

  app.get(
    '/api/projects/',
    {
      schema: {
        tags: projectTags,
        querystring: ProjectQuery,
        response: { 200: List(Project), default: ErrorBody },
      },
    },
    async (req, reply) => {
      const c = await callerOf(d, req);
      let q = db.selectFrom('portal_projects').selectAll();
      if (!c.staff) q = q.where(visibleProjects(db, c));
      if (req.query.name !== undefined) q = q.where('name', '=', req.query.name);
      if (req.query.customer_uuid !== undefined) q = q.where('customer_uuid', '=', req.query.customer_uuid);
      const names = new Map<string, string>();
      const rows = await page(req, reply, q, {
        orderBy: 'name',
        shape: (r: import('../store/schema.ts').ProjectRow) => r,
      });
      const ids = [...new Set(rows.map((r) => r.customer_uuid))];
      if (ids.length > 0)
        for (const r of await db
          .selectFrom('portal_customers')
          .select(['uuid', 'name'])
          .where('uuid', 'in', ids)
          .execute())
          names.set(r.uuid, r.name);
      return rows.map((r) => projectOut(req, { ...r, customer_name: names.get(r.customer_uuid) ?? '' }));
    },
  );

  app.post(
    '/api/projects/',
    {
      schema: { tags: projectTags, body: ProjectCreateBody, response: { 201: Project, default: ErrorBody } },
    },
    async (req, reply) => {
      const c = await callerOf(d, req);
      const customerUuid = uuidOf(req.body.customer, 'customers', 'body.customer');
      const { customer, access } = await customerAccess(db, c, customerUuid).catch((e) => {
        // an organisation the caller cannot see is, to it, a reference to nothing
        if (e instanceof OsnetError && e.code === 'OSNET_ERR_NOT_FOUND')
          throw new OsnetError('OSNET_ERR_VALIDATION', 'body.customer: no such organisation', {
            field: 'body.customer',
          });
        throw e;
      });
      allow(access, ['staff', 'owner'], 'create projects in an organisation');
      const at = now();
      const row = {
        uuid: newUuid(),
        customer_uuid: customer.uuid,
        name: req.body.name,
        description: req.body.description ?? '',
        created: at,
        modified: at,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('portal_projects').values(row).execute();
        await record(trx, req, {
          event_type: 'project_creation_succeeded',
          message: `project ${row.name} created in ${customer.name}`,
          resource: ['project', row.uuid],
          customer: customer.uuid,
          context: { name: row.name },
        });
      });
      return reply.code(201).send(projectOut(req, { ...row, customer_name: customer.name }));
    },
  );

  app.get(
    '/api/projects/:uuid/',
    { schema: { tags: projectTags, params: UuidParams, response: { 200: Project, default: ErrorBody } } },
    async (req) => {
      const { project } = await projectAccess(db, await callerOf(d, req), req.params.uuid);
      return withCustomer(req, project.uuid);
    },
  );

  app.patch(
    '/api/projects/:uuid/',
    {
      schema: {
        tags: projectTags,
        params: UuidParams,
        body: ProjectPatchBody,
        response: { 200: Project, default: ErrorBody },
      },
    },
    async (req) => {
      const { project, access } = await projectAccess(db, await callerOf(d, req), req.params.uuid);
      allow(access, ['staff', 'owner', 'manager'], 'change a project');
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('portal_projects')
          .set({ ...req.body, modified: now() })
          .where('uuid', '=', project.uuid)
          .execute();
        await record(trx, req, {
          event_type: 'project_update_succeeded',
          message: `project ${project.name} updated`,
          resource: ['project', project.uuid],
          customer: project.customer_uuid,
          context: { fields: Object.keys(req.body) },
        });
      });
      return withCustomer(req, project.uuid);
    },
  );

  app.delete(
    '/api/projects/:uuid/',
    { schema: { tags: projectTags, params: UuidParams, response: Deleted } },
    async (req, reply) => {
      const { project, access } = await projectAccess(db, await callerOf(d, req), req.params.uuid);
      allow(access, ['staff', 'owner'], 'delete a project');
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('portal_projects').where('uuid', '=', project.uuid).execute();
        await record(trx, req, {
          event_type: 'project_deletion_succeeded',
          message: `project ${project.name} deleted`,
          resource: ['project', project.uuid],
          customer: project.customer_uuid,
        });
      });
      return reply.code(204).send();
    },
  );
}
