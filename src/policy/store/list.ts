/**
 * listPolicies as one query (per 2,000 ids): policies joined to both groups for their tags, `ids` matching
 * source OR destination through the key (source first) and the destination index.
 */
import type { Kysely } from 'kysely';
import type { PolicyFilter, PolicyRecord, Protocol } from '../model.ts';
import { chunks } from './groups.ts';
import type { PolicyDB } from './schema.ts';
import { formatTag } from './tags.ts';

// two IN lists of this size per statement stay under both dialects' parameter limits
const IDS_PER_QUERY = 2000;

function key(p: PolicyRecord): string {
  return JSON.stringify([p.source, p.destination, p.protocol, p.ports.start, p.ports.end]);
}

function compare(a: PolicyRecord, b: PolicyRecord): number {
  return (
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
    (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0) ||
    (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) ||
    a.ports.start - b.ports.start ||
    a.ports.end - b.ports.end
  );
}

async function query(db: Kysely<PolicyDB>, filter: PolicyFilter, ids?: string[]): Promise<PolicyRecord[]> {
  let q = db
    .selectFrom('policies as p')
    .innerJoin('policy_groups as s', 's.id', 'p.source')
    .innerJoin('policy_groups as d', 'd.id', 'p.destination')
    .select([
      'p.source',
      'p.destination',
      'p.protocol',
      'p.port_start',
      'p.port_end',
      's.tag as stag',
      'd.tag as dtag',
    ]);
  if (ids) q = q.where((eb) => eb.or([eb('p.source', 'in', ids), eb('p.destination', 'in', ids)]));
  if (filter.sourceIds) q = q.where('p.source', 'in', filter.sourceIds);
  if (filter.destIds) q = q.where('p.destination', 'in', filter.destIds);
  if (filter.projectId !== undefined)
    q = q.where('s.project_id', '=', filter.projectId).where('d.project_id', '=', filter.projectId);
  const rows = await q.execute();
  return rows.map((r) => ({
    source: r.source,
    destination: r.destination,
    protocol: r.protocol as Protocol,
    ports: { start: Number(r.port_start), end: Number(r.port_end) },
    sourceTag: formatTag(Number(r.stag)),
    destinationTag: formatTag(Number(r.dtag)),
  }));
}

export async function listPolicies(db: Kysely<PolicyDB>, filter: PolicyFilter = {}): Promise<PolicyRecord[]> {
  // an empty list matches nothing (`IN ()` is not valid SQL everywhere)
  if (filter.ids?.length === 0 || filter.sourceIds?.length === 0 || filter.destIds?.length === 0) return [];
  let out: PolicyRecord[];
  if (!filter.ids || filter.ids.length <= IDS_PER_QUERY) {
    out = await query(db, filter, filter.ids && [...new Set(filter.ids)]);
  } else {
    const seen = new Map<string, PolicyRecord>();
    for (const part of chunks([...new Set(filter.ids)], IDS_PER_QUERY))
      for (const p of await query(db, filter, part)) seen.set(key(p), p);
    out = [...seen.values()];
  }
  // sorted here, not in SQL: the two dialects' collations differ, the answer must not
  return out.sort(compare);
}
