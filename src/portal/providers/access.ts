/**
 * Who sees and changes offerings. Staff: everything. Others see the offerings of organisations they see
 * (owners, and anyone with a role in one of its projects), shared offerings, and the per-tenant offerings
 * of projects they have a role in; only staff and the organisation's owners change them. What a caller
 * cannot see answers 404.
 *
 * @example
 *   const { row, access } = await offeringAccess(db, caller, uuid);
 *   allow(access, ['staff', 'owner'], 'change an offering');
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { CUSTOMER_OWNER, ownedCustomers } from '../api/access.ts';
import { type Caller, notFound } from '../api/context.ts';
import type { PortalDB } from '../store/schema.ts';
import type { OfferingRow } from './rows.ts';

type DB = Kysely<PortalDB>;

export function visibleOfferings(db: DB, c: Caller) {
  const roleProjects = db
    .selectFrom('portal_project_roles')
    .select('scope_uuid')
    .where('user_uuid', '=', c.uuid);
  return (eb: ExpressionBuilder<PortalDB, 'portal_offerings'>): Expression<SqlBool> =>
    eb.or([
      eb('customer_uuid', 'in', ownedCustomers(db, c)),
      eb(
        'customer_uuid',
        'in',
        db.selectFrom('portal_projects').select('customer_uuid').where('uuid', 'in', roleProjects),
      ),
      eb('shared', '=', 1),
      eb('project_uuid', 'in', roleProjects),
    ]);
}

export async function offeringAccess(
  db: DB,
  c: Caller,
  uuid: string,
): Promise<{ row: OfferingRow; access: 'staff' | 'owner' | 'viewer' }> {
  let q = db.selectFrom('portal_offerings').selectAll().where('uuid', '=', uuid);
  if (!c.staff) q = q.where(visibleOfferings(db, c));
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('offering');
  if (c.staff) return { row, access: 'staff' };
  const owner = await db
    .selectFrom('portal_customer_roles')
    .select('scope_uuid')
    .where('user_uuid', '=', c.uuid)
    .where('role', '=', CUSTOMER_OWNER)
    .where('scope_uuid', '=', row.customer_uuid)
    .executeTakeFirst();
  return { row, access: owner ? 'owner' : 'viewer' };
}
