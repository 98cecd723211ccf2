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
  /** Top-level body field → the resource it named (the first one, for a list). */
  rows: Map<string, ResourceRow>;
  /** Every resource named, by the field path that named it (`body.rules[1].remote_group`). */
  all: [string, ResourceRow][];
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

/** Replaces what `segs` reaches below `node` (lists walked element by element) with `at`'s answer. */
async function walk(
  node: unknown,
  segs: readonly string[],
  path: string,
  at: (value: unknown, path: string) => Promise<unknown>,
): Promise<unknown> {
  if (node === undefined || node === null) return node;
  if (Array.isArray(node)) {
    const out = [];
    for (const [i, v] of node.entries()) out.push(await walk(v, segs, `${path}[${i}]`, at));
    return out;
  }
  if (segs.length === 0) return at(node, path);
  if (typeof node !== 'object') return node;
  const [head, ...rest] = segs as [string, ...string[]];
  const obj = node as Record<string, unknown>;
  if (!(head in obj)) return node;
  return { ...obj, [head]: await walk(obj[head], rest, `${path}.${head}`, at) };
}

/**
 * `refs` keys are body field paths, or `<action>.<path>` for an action's body (`prefix` = `<action>.`).
 * Without a prefix a dotted key is a path into the body only when its first part is a field of the body
 * (`rules.remote_group`); otherwise it is an action's (`add_interface.port`).
 */
export async function resolveRefs(
  db: Kysely<PortalDB>,
  c: Caller,
  body: Record<string, unknown>,
  refs: Readonly<Record<string, string>> | undefined,
  prefix = '',
): Promise<Resolved> {
  let out: Record<string, unknown> = { ...body };
  const rows = new Map<string, ResourceRow>();
  const all: [string, ResourceRow][] = [];
  for (const [key, kind] of Object.entries(refs ?? {})) {
    if (prefix && !key.startsWith(prefix)) continue;
    const segs = key.slice(prefix.length).split('.');
    if (!prefix && segs.length > 1 && !(segs[0]! in body)) continue;
    const top = segs[0]!;
    out = (await walk(out, segs, 'body', async (ref, path) => {
      const r = await one(db, c, kind, ref, path);
      all.push([path, r]);
      if (segs.length === 1 && !rows.has(top)) rows.set(top, r);
      return r.backend_id;
    })) as Record<string, unknown>;
  }
  return { body: out, rows, all };
}

/** A reference into another tenant is a 400 naming its field (tenants themselves excepted). */
export function requireSameTenant(all: readonly [string, ResourceRow][], tenantUuid: string): void {
  for (const [field, x] of all)
    if (x.kind !== 'tenants' && x.tenant_uuid !== tenantUuid)
      throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: the ${x.kind} is in another tenant`, { field });
}
