/**
 * Who may see and change resources: the rules of docs/portal.md applied through the resource's project.
 * Visible to whoever sees its project (staff, the organisation's owners, the project's managers and
 * members); anything else answers 404. Changing (create, update, delete, actions, pull, retry) needs
 * staff, an owner or a manager: a member gets 403.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import { allow, type ProjectAccess, projectAccess, visibleProjects } from '../api/access.ts';
import { type Caller, notFound } from '../api/context.ts';
import type { PortalDB, ResourceRow } from '../store/schema.ts';

type DB = Kysely<PortalDB>;

export const CHANGERS: readonly ProjectAccess[] = ['staff', 'owner', 'manager'];

/** The uuids of the projects the caller sees (a subquery). */
export function visibleProjectUuids(db: DB, c: Caller) {
  return db.selectFrom('portal_projects').select('uuid').where(visibleProjects(db, c));
}

/** A where-clause on portal_resources: the rows the caller may see. */
export function visibleResources(db: DB, c: Caller) {
  return (eb: ExpressionBuilder<PortalDB, 'portal_resources'>) =>
    eb('project_uuid', 'in', visibleProjectUuids(db, c));
}

export async function resourceAccess(
  db: DB,
  c: Caller,
  kind: string,
  uuid: string,
): Promise<{ row: ResourceRow; access: ProjectAccess }> {
  const row = await db
    .selectFrom('portal_resources')
    .selectAll()
    .where('uuid', '=', uuid)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) throw notFound(kind);
  try {
    const { access } = await projectAccess(db, c, row.project_uuid);
    return { row, access };
  } catch {
    throw notFound(kind);
  }
}

export function mayChange(access: ProjectAccess, what: string): void {
  allow(access, CHANGERS, what);
}
