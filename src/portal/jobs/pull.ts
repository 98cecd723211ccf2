/**
 * Pulls: keep the portal true to OpenStack with one `backend.list(scope)` per kind per tenant (never a
 * call per resource). Per kind:
 * - a listed object matched to a resource (by backend id, else by the marker its create stored) updates
 *   the fields of an OK resource, makes an ERRED one OK again (it exists), and clears
 *   `backend_missing_since`; a resource in a transitional state is left alone (its job owns it);
 * - an unknown object is imported as a new OK resource (under its parent, for a sub-resource);
 * - a resource whose object is not listed is marked `backend_missing_since`, and removed only when it has
 *   been missing longer than the grace period (the seed errs it on the first 404).
 * One kind's failure is recorded on that kind (`portal_pulls`) and reported; the others still run and the
 * tenant's state is never touched.
 */
import type { BackendRecord, TenantScope } from '../backend/contract.ts';
import { ERRED, OK, TRANSITIONAL } from '../resources/states.ts';
import { newUuid, now } from '../store/index.ts';
import type { ResourceRow } from '../store/schema.ts';
import { type EngineDeps, scopeOf } from './engine.ts';
import { resourceEvent } from './events.ts';
import { errorText } from './faults.ts';
import { removeResource } from './resource-jobs.ts';

export interface KindPullResult {
  kind: string;
  listed: number;
  updated: number;
  imported: number;
  missing: number;
  removed: number;
  error?: string | undefined;
}

/** Kinds in an order where every parent kind comes before its sub-kinds. */
export function pullOrder(d: EngineDeps, kinds: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (k: string, depth: number) => {
    if (out.includes(k) || depth > 8) return;
    const parent = d.kinds.get(k)?.schemas.parent;
    if (parent && kinds.includes(parent)) visit(parent, depth + 1);
    out.push(k);
  };
  for (const k of kinds) visit(k, 0);
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function pullKind(
  d: EngineDeps,
  tenant: ResourceRow,
  scope: TenantScope,
  kind: string,
): Promise<KindPullResult> {
  const db = d.store.db;
  const k = d.kinds.get(kind);
  if (!k) throw new Error(`no kind ${kind}`);
  const result: KindPullResult = { kind, listed: 0, updated: 0, imported: 0, missing: 0, removed: 0 };
  const records = await k.backend.list(scope);
  result.listed = records.length;
  const rows = await db
    .selectFrom('portal_resources')
    .selectAll()
    .where('tenant_uuid', '=', tenant.uuid)
    .where('kind', '=', kind)
    .execute();
  const byBackend = new Map(rows.filter((r) => r.backend_id).map((r) => [r.backend_id!, r]));
  const byUuid = new Map(rows.map((r) => [r.uuid, r]));
  const parents = new Map<string, string>();
  if (k.schemas.parent)
    for (const p of await db
      .selectFrom('portal_resources')
      .select(['uuid', 'backend_id'])
      .where('tenant_uuid', '=', tenant.uuid)
      .where('kind', '=', k.schemas.parent)
      .execute())
      if (p.backend_id) parents.set(p.backend_id, p.uuid);
  const at = now();
  const seen = new Set<string>();
  const creating = rows.filter((r) => TRANSITIONAL.includes(r.state) && !r.backend_id);

  const match = (rec: BackendRecord): ResourceRow | undefined =>
    byBackend.get(rec.backend_id) ??
    (rec.marker ? byUuid.get(rec.marker) : undefined) ??
    // a create in flight whose backend does not report markers: the same name is taken as that object
    (rec.marker === undefined ? creating.find((r) => r.name === rec.name) : undefined);

  for (const rec of records) {
    const row = match(rec);
    if (row) {
      seen.add(row.uuid);
      if (TRANSITIONAL.includes(row.state)) continue;
      const fields = { ...(JSON.parse(row.fields) as Record<string, unknown>), ...rec.fields };
      const set: Partial<ResourceRow> = {};
      if (row.name !== rec.name) set.name = rec.name;
      if (row.description !== rec.description) set.description = rec.description;
      if (!sameJson(JSON.parse(row.fields), fields)) set.fields = JSON.stringify(fields);
      if (rec.runtime_state !== undefined && rec.runtime_state !== row.runtime_state)
        set.runtime_state = rec.runtime_state;
      if (row.backend_missing_since !== null) set.backend_missing_since = null;
      if (row.backend_id !== rec.backend_id) set.backend_id = rec.backend_id;
      const erredInOpenStack = (rec.runtime_state ?? '').toUpperCase() === 'ERROR';
      if (row.state === ERRED && !erredInOpenStack) {
        set.state = OK;
        set.error_message = '';
      }
      if (Object.keys(set).length === 0) continue;
      result.updated++;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('portal_resources')
          .set({ ...set, modified: at })
          .where('uuid', '=', row.uuid)
          .execute();
        if (set.state === OK)
          await resourceEvent(trx, row, {
            event_type: 'resource_pull_recovered',
            message: `${kind} ${row.name}: found in OpenStack, OK again`,
          });
      });
      continue;
    }
    const parent_uuid = rec.parent_backend_id ? (parents.get(rec.parent_backend_id) ?? null) : null;
    if (k.schemas.parent && !parent_uuid) continue; // its parent is not (yet) in the portal
    const row2: ResourceRow = {
      uuid: newUuid(),
      kind,
      tenant_uuid: tenant.uuid,
      project_uuid: tenant.project_uuid,
      customer_uuid: tenant.customer_uuid,
      provider_uuid: tenant.provider_uuid,
      offering_uuid: null,
      parent_uuid,
      name: rec.name,
      description: rec.description,
      state: OK,
      runtime_state: rec.runtime_state ?? '',
      backend_id: rec.backend_id,
      error_message: '',
      action: '',
      fields: JSON.stringify(rec.fields),
      secrets: null,
      backend_missing_since: null,
      created: at,
      modified: at,
    };
    result.imported++;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('portal_resources').values(row2).execute();
      await resourceEvent(trx, row2, {
        event_type: 'resource_import_succeeded',
        message: `${kind} ${rec.name}: imported from OpenStack`,
        context: { backend_id: rec.backend_id },
      });
    });
  }

  for (const row of rows) {
    if (seen.has(row.uuid) || !row.backend_id || row.state !== OK) continue;
    const since = row.backend_missing_since;
    if (since === null) {
      result.missing++;
      await db
        .updateTable('portal_resources')
        .set({ backend_missing_since: at, modified: at })
        .where('uuid', '=', row.uuid)
        .execute();
    } else if (Date.parse(at) - Date.parse(since) >= d.missingGraceMs) {
      result.removed++;
      await db.transaction().execute(async (trx) => {
        await removeResource(trx, row);
        await resourceEvent(trx, row, {
          event_type: 'resource_deletion_succeeded',
          message: `${kind} ${row.name}: gone from OpenStack since ${since}, removed`,
          context: { backend_id: row.backend_id, missing_since: since },
        });
      });
    } else result.missing++;
  }
  return result;
}

async function recordPull(d: EngineDeps, tenant: string, kind: string, error: string | undefined) {
  const at = now();
  const db = d.store.db;
  const set = error === undefined ? { pulled: at, error: '' } : { failed: at, error };
  const r = await db
    .updateTable('portal_pulls')
    .set(set)
    .where('tenant_uuid', '=', tenant)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0)
    await db
      .insertInto('portal_pulls')
      .values({ tenant_uuid: tenant, kind, pulled: null, failed: null, ...set })
      .onConflict((oc) => oc.columns(['tenant_uuid', 'kind']).doUpdateSet(set))
      .execute();
}

/** Pulls `kinds` of one tenant; one kind's failure does not stop the others. */
export async function pullTenant(
  d: EngineDeps,
  tenant: ResourceRow,
  kinds: readonly string[],
  report: (step: string) => Promise<void> = async () => {},
): Promise<KindPullResult[]> {
  const scope = await scopeOf(d, tenant);
  const out: KindPullResult[] = [];
  for (const kind of pullOrder(d, kinds)) {
    await report(`pull ${kind}`);
    try {
      const r = await pullKind(d, tenant, scope, kind);
      await recordPull(d, tenant.uuid, kind, undefined);
      out.push(r);
    } catch (err) {
      const error = errorText(err);
      await recordPull(d, tenant.uuid, kind, error);
      out.push({ kind, listed: 0, updated: 0, imported: 0, missing: 0, removed: 0, error });
    }
  }
  return out;
}

/** The failures of a pull, as one message (empty: none). */
export function pullErrors(results: readonly KindPullResult[]): string {
  return results
    .filter((r) => r.error)
    .map((r) => `${r.kind}: ${r.error}`)
    .join('; ');
}
