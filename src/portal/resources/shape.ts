/**
 * Resource rows as the API shows them: the common fields with absolute URLs and the names of the
 * tenant, project and organisation (looked up once per page, not per row), plus the kind's fields.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { objectUrl } from '../api/context.ts';
import type { PortalDB, ResourceRow } from '../store/schema.ts';
import { RESOURCE_TYPES } from './schemas.ts';

export interface Names {
  projects: Map<string, string>;
  customers: Map<string, string>;
  tenants: Map<string, string>;
}

export async function namesOf(db: Kysely<PortalDB>, rows: readonly ResourceRow[]): Promise<Names> {
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const projects = uniq(rows.map((r) => r.project_uuid));
  const customers = uniq(rows.map((r) => r.customer_uuid));
  const tenants = uniq(rows.map((r) => r.tenant_uuid));
  const pick = async (table: 'portal_projects' | 'portal_customers' | 'portal_resources', ids: string[]) =>
    new Map(
      ids.length === 0
        ? []
        : (await db.selectFrom(table).select(['uuid', 'name']).where('uuid', 'in', ids).execute()).map(
            (r) => [r.uuid, r.name] as const,
          ),
    );
  return {
    projects: await pick('portal_projects', projects),
    customers: await pick('portal_customers', customers),
    tenants: await pick('portal_resources', tenants),
  };
}

export function resourceOut(
  req: FastifyRequest,
  r: ResourceRow,
  n: Names,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...(JSON.parse(r.fields) as Record<string, unknown>),
    ...extra,
    uuid: r.uuid,
    url: objectUrl(req, `openstack-${r.kind}`, r.uuid),
    name: r.name,
    description: r.description,
    resource_type: RESOURCE_TYPES[r.kind] ?? `OpenStack.${r.kind}`,
    state: r.state,
    runtime_state: r.runtime_state,
    backend_id: r.backend_id ?? '',
    error_message: r.error_message,
    action: r.action,
    backend_missing_since: r.backend_missing_since,
    created: r.created,
    modified: r.modified,
    tenant: r.tenant_uuid ? objectUrl(req, 'openstack-tenants', r.tenant_uuid) : null,
    tenant_uuid: r.tenant_uuid,
    tenant_name: r.tenant_uuid ? (n.tenants.get(r.tenant_uuid) ?? '') : null,
    project: objectUrl(req, 'projects', r.project_uuid),
    project_uuid: r.project_uuid,
    project_name: n.projects.get(r.project_uuid) ?? '',
    customer: objectUrl(req, 'customers', r.customer_uuid),
    customer_uuid: r.customer_uuid,
    customer_name: n.customers.get(r.customer_uuid) ?? '',
    service_settings: objectUrl(req, 'service-settings', r.provider_uuid),
    service_settings_uuid: r.provider_uuid,
  };
}
