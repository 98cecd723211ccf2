/**
 * References in request bodies (a port's `network`, a floating IP's `port`, a tenant order's `project`):
 * portal URLs or uuids, resolved to the resources they name as the caller sees them. What the caller
 * cannot see is a 400 naming the field, exactly as a reference that names nothing (so nothing about
 * another organisation leaks); a resource that has no OpenStack object yet is a 409. The backend gets
 * backend ids in place of the references.
 */
import type { Kysely } from 'kysely';
import { OsnetError } from '../../lib/errors.ts';
import type { Caller } from '../api/context.ts';
import { uuidOf } from '../api/context.ts';
import type { PortalDB, ResourceRow } from '../store/schema.ts';
import { resourceAccess } from './access.ts';

export interface Resolved {
  body: Record<string, unknown>;
  /** Body field → the resource it named (the first one, for a list). */
  rows: Map<string, ResourceRow>;
}

async function one(db: Kysely<PortalDB>, c: Caller, kind: string, ref: unknown, field: string) {
  if (typeof ref !== 'string')
    throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: a URL or uuid`, { field });
  const uuid = uuidOf(ref, `openstack-${kind}`, field);
  let row: ResourceRow;
  try {
    row = (await resourceAccess(db, c, kind, uuid)).row;
  } catch {
    throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: no such ${kind}`, { field });
  }
  if (!row.backend_id)
    throw new OsnetError(
      'OSNET_ERR_PORTAL_STATE',
      `${field}: the ${kind} is not created yet (${row.state})`,
      {
        field,
      },
    );
  return row;
}

/** `refs` keys are body fields, or `<action>.<field>` for an action's body (`prefix` = `<action>.`). */
export async function resolveRefs(
  db: Kysely<PortalDB>,
  c: Caller,
  body: Record<string, unknown>,
  refs: Readonly<Record<string, string>> | undefined,
  prefix = '',
): Promise<Resolved> {
  const out = { ...body };
  const rows = new Map<string, ResourceRow>();
  for (const [key, kind] of Object.entries(refs ?? {})) {
    if (prefix ? !key.startsWith(prefix) : key.includes('.')) continue;
    const field = key.slice(prefix.length);
    const value = body[field];
    if (value === undefined || value === null) continue;
    const path = `body.${field}`;
    if (Array.isArray(value)) {
      const found = [];
      for (const [i, v] of value.entries()) found.push(await one(db, c, kind, v, `${path}[${i}]`));
      out[field] = found.map((r) => r.backend_id);
      if (found[0]) rows.set(field, found[0]);
    } else {
      const r = await one(db, c, kind, value, path);
      out[field] = r.backend_id;
      rows.set(field, r);
    }
  }
  return { body: out, rows };
}
