/**
 * Resource rows as the API shows them: the common fields with absolute URLs and the names of the
 * tenant, project and organisation (looked up once per page, not per row), plus the kind's fields, where
 * backend ids the kind's `shows` names become portal references (a rule's `remote_group`).
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { objectUrl } from '../api/context.ts';
import type { KindSchemas } from '../backend/contract.ts';
import type { PortalDB, ResourceRow } from '../store/schema.ts';
import { RESOURCE_TYPES } from './schemas.ts';

export interface Names {
  projects: Map<string, string>;
  customers: Map<string, string>;
  tenants: Map<string, string>;
  /** The kind's `KindSchemas.shows`, and the resources they name: `<tenant>|<kind>|<backend id>` → row. */
  shows?: Readonly<Record<string, string>> | undefined;
  linked?: Map<string, { uuid: string; name: string }> | undefined;
  /** The kind's `KindSchemas.embeds`, and the resources they name, keyed as `linked`. */
  embeds?: KindSchemas['embeds'];
  embedded?: Map<string, ResourceRow> | undefined;
}

/** What of a kind's schemas shapes its answers. */
export type Shown = Pick<KindSchemas, 'shows' | 'embeds'> | undefined;

/** Calls `at` on each value `path` reaches in `node` (through lists), with the object holding it. */
function eachAt(
  node: unknown,
  segs: readonly string[],
  at: (holder: Record<string, unknown>, key: string) => void,
): void {
  if (Array.isArray(node)) {
    for (const v of node) eachAt(v, segs, at);
    return;
  }
  if (node === null || typeof node !== 'object' || segs.length === 0) return;
  const [head, ...rest] = segs as [string, ...string[]];
  const obj = node as Record<string, unknown>;
  if (rest.length === 0) {
    if (head in obj) at(obj, head);
  } else eachAt(obj[head], rest, at);
}

const linkKey = (tenant: string | null, kind: string, backendId: string) => `${tenant}|${kind}|${backendId}`;

/** The resources the rows' `shows` fields name by backend id (one query per kind and page). */
async function linkedOf(
  db: Kysely<PortalDB>,
  rows: readonly ResourceRow[],
  shows: Readonly<Record<string, string>>,
): Promise<Map<string, { uuid: string; name: string }>> {
  const wanted = new Map<string, Set<string>>();
  for (const r of rows) {
    const fields = JSON.parse(r.fields) as Record<string, unknown>;
    for (const [path, kind] of Object.entries(shows))
      eachAt(fields, path.split('.'), (h, k) => {
        if (typeof h[k] === 'string' && h[k]) {
          const ids = wanted.get(kind) ?? new Set<string>();
          ids.add(h[k] as string);
          wanted.set(kind, ids);
        }
      });
  }
  const tenants = [...new Set(rows.map((r) => r.tenant_uuid).filter((t): t is string => t !== null))];
  const out = new Map<string, { uuid: string; name: string }>();
  for (const [kind, ids] of wanted) {
    if (tenants.length === 0) break;
    const found = await db
      .selectFrom('portal_resources')
      .select(['uuid', 'name', 'tenant_uuid', 'backend_id'])
      .where('kind', '=', kind)
      .where('tenant_uuid', 'in', tenants)
      .where('backend_id', 'in', [...ids])
      .execute();
    for (const f of found) out.set(linkKey(f.tenant_uuid, kind, f.backend_id ?? ''), f);
  }
  return out;
}

/** The resources the rows' `embeds` objects name by `backend_id` (one query per kind and page). */
async function embeddedOf(
  db: Kysely<PortalDB>,
  rows: readonly ResourceRow[],
  embeds: NonNullable<KindSchemas['embeds']>,
): Promise<Map<string, ResourceRow>> {
  const wanted = new Map<string, Set<string>>();
  for (const r of rows) {
    const fields = JSON.parse(r.fields) as Record<string, unknown>;
    for (const [path, e] of Object.entries(embeds)) {
      const segs = path.split('.');
      // the path names the objects; each one's backend_id is what it refers by
      eachAt(fields, [...segs, 'backend_id'], (h, k) => {
        if (typeof h[k] !== 'string' || !h[k]) return;
        const ids = wanted.get(e.kind) ?? new Set<string>();
        ids.add(h[k] as string);
        wanted.set(e.kind, ids);
      });
    }
  }
  const tenants = [...new Set(rows.map((r) => r.tenant_uuid).filter((t): t is string => t !== null))];
  const out = new Map<string, ResourceRow>();
  for (const [kind, ids] of wanted) {
    if (tenants.length === 0) break;
    const found = await db
      .selectFrom('portal_resources')
      .selectAll()
      .where('kind', '=', kind)
      .where('tenant_uuid', 'in', tenants)
      .where('backend_id', 'in', [...ids])
      .execute();
    for (const f of found) out.set(linkKey(f.tenant_uuid, kind, f.backend_id ?? ''), f);
  }
  return out;
}

export async function namesOf(
  db: Kysely<PortalDB>,
  rows: readonly ResourceRow[],
  schemas?: Shown,
): Promise<Names> {
  const shows = schemas?.shows;
  const embeds = schemas?.embeds;
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
    ...(shows ? { shows, linked: await linkedOf(db, rows, shows) } : {}),
    ...(embeds ? { embeds, embedded: await embeddedOf(db, rows, embeds) } : {}),
  };
}

/** The row's fields, backend ids of `shows` paths replaced by portal references (URL, uuid, name). */
function fieldsOut(req: FastifyRequest, r: ResourceRow, n: Names): Record<string, unknown> {
  const fields = JSON.parse(r.fields) as Record<string, unknown>;
  for (const [path, kind] of Object.entries(n.shows ?? {}))
    eachAt(fields, path.split('.'), (h, k) => {
      const id = h[k];
      const found =
        typeof id === 'string' && id ? n.linked?.get(linkKey(r.tenant_uuid, kind, id)) : undefined;
      h[k] = found ? objectUrl(req, `openstack-${kind}`, found.uuid) : null;
      h[`${k}_uuid`] = found?.uuid ?? null;
      h[`${k}_name`] = found?.name ?? null;
    });
  for (const [path, e] of Object.entries(n.embeds ?? {})) {
    const segs = path.split('.');
    const embed = (o: unknown) => {
      if (o === null || typeof o !== 'object' || Array.isArray(o)) return o;
      const id = (o as { backend_id?: unknown }).backend_id;
      const found = typeof id === 'string' ? n.embedded?.get(linkKey(r.tenant_uuid, e.kind, id)) : undefined;
      if (!found) return o;
      const own = JSON.parse(found.fields) as Record<string, unknown>;
      return {
        ...o,
        uuid: found.uuid,
        url: objectUrl(req, `openstack-${e.kind}`, found.uuid),
        name: found.name,
        description: found.description,
        ...Object.fromEntries(e.fields.filter((f) => f in own).map((f) => [f, own[f]])),
      };
    };
    eachAt(fields, segs, (h, k) => {
      h[k] = Array.isArray(h[k]) ? (h[k] as unknown[]).map(embed) : embed(h[k]);
    });
  }
  return fields;
}

export function resourceOut(
  req: FastifyRequest,
  r: ResourceRow,
  n: Names,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...fieldsOut(req, r, n),
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
