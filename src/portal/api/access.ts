/**
 * Who may see and do what. Staff see and do everything. An organisation (customer) is visible to its
 * owners and to anyone with a role in one of its projects; a project to its organisation's owners and to
 * its own managers and members. What a caller cannot see answers 404, exactly as if it did not exist;
 * what it can see but not change answers 403.
 *
 * @example
 *   const { role } = await projectAccess(db, caller, uuid); // 'staff' | 'owner' | 'manager' | 'member'
 */
import type { Expression, Kysely, SqlBool } from 'kysely';
import type { CustomerRow, PortalDB, ProjectRow } from '../store/schema.ts';
import { type Caller, forbidden, notFound } from './context.ts';

export const CUSTOMER_OWNER = 'CUSTOMER.OWNER';
export const PROJECT_MANAGER = 'PROJECT.MANAGER';
export const PROJECT_MEMBER = 'PROJECT.MEMBER';

type DB = Kysely<PortalDB>;

/** Uuids of the customers the caller owns. */
export function ownedCustomers(db: DB, c: Caller) {
  return db
    .selectFrom('portal_customer_roles')
    .select('scope_uuid')
    .where('user_uuid', '=', c.uuid)
    .where('role', '=', CUSTOMER_OWNER);
}

function projectsWithRole(db: DB, c: Caller) {
  return db.selectFrom('portal_project_roles').select('scope_uuid').where('user_uuid', '=', c.uuid);
}

/** A where-clause on portal_customers: the rows the caller may see. */
export function visibleCustomers(db: DB, c: Caller) {
  return (eb: import('kysely').ExpressionBuilder<PortalDB, 'portal_customers'>): Expression<SqlBool> =>
    // one IN over a union, not an OR of two: PostgreSQL then probes the primary key instead of scanning
    eb(
      'uuid',
      'in',
      ownedCustomers(db, c).union(
        db
          .selectFrom('portal_projects')
          .select('customer_uuid as scope_uuid')
          .where('uuid', 'in', projectsWithRole(db, c)),
      ),
    );
}

/** A where-clause on portal_projects: the rows the caller may see. */
export function visibleProjects(db: DB, c: Caller) {
  return (eb: import('kysely').ExpressionBuilder<PortalDB, 'portal_projects'>): Expression<SqlBool> =>
    eb.or([eb('customer_uuid', 'in', ownedCustomers(db, c)), eb('uuid', 'in', projectsWithRole(db, c))]);
}

export type CustomerAccess = 'staff' | 'owner' | 'viewer';
export type ProjectAccess = 'staff' | 'owner' | 'manager' | 'member';

export async function customerAccess(
  db: DB,
  c: Caller,
  uuid: string,
): Promise<{ customer: CustomerRow; access: CustomerAccess }> {
  let q = db.selectFrom('portal_customers').selectAll().where('uuid', '=', uuid);
  if (!c.staff) q = q.where(visibleCustomers(db, c));
  const customer = await q.executeTakeFirst();
  if (!customer) throw notFound('organisation');
  if (c.staff) return { customer, access: 'staff' };
  const owner = await ownedCustomers(db, c).where('scope_uuid', '=', uuid).executeTakeFirst();
  return { customer, access: owner ? 'owner' : 'viewer' };
}

export async function projectAccess(
  db: DB,
  c: Caller,
  uuid: string,
): Promise<{ project: ProjectRow; access: ProjectAccess }> {
  let q = db.selectFrom('portal_projects').selectAll().where('uuid', '=', uuid);
  if (!c.staff) q = q.where(visibleProjects(db, c));
  const project = await q.executeTakeFirst();
  if (!project) throw notFound('project');
  if (c.staff) return { project, access: 'staff' };
  const owner = await ownedCustomers(db, c)
    .where('scope_uuid', '=', project.customer_uuid)
    .executeTakeFirst();
  if (owner) return { project, access: 'owner' };
  const r = await db
    .selectFrom('portal_project_roles')
    .select('role')
    .where('user_uuid', '=', c.uuid)
    .where('scope_uuid', '=', uuid)
    .executeTakeFirstOrThrow();
  return { project, access: r.role === PROJECT_MANAGER ? 'manager' : 'member' };
}

/** Throws 403 unless `have` is one of `allowed`. */
export function allow<T extends string>(have: T, allowed: readonly T[], what: string): void {
  if (!allowed.includes(have)) throw forbidden(`only ${allowed.join(' or ')} may ${what}`);
}
