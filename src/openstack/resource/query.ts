/**
 * Turns typed list filters into Neutron's query string conventions.
 *
 * @example
 *   toQuery({ ids: ['a', 'b'], tags: ['x', 'y'], fixed_ips: [{ ip_address: '10.0.0.5' }] }, 'filters')
 *   // { id: ['a', 'b'], tags: 'x,y', fixed_ips: ['ip_address=10.0.0.5'] }
 */
import { OsnetError } from '../../lib/errors.ts';
import type { QueryValue } from '../client/service-client.ts';
import { requireTag } from './validate.ts';

const TAG_KEYS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any']);
const RENAMED: Record<string, string> = { ids: 'id', names: 'name' };

/** One `fixed_ips` filter: Neutron matches ports having an address with these attributes. */
export interface FixedIpFilter {
  ip_address?: string | undefined;
  /** Prefix match on the address (`ip_address_substr`). */
  ip_address_substr?: string | undefined;
  subnet_id?: string | undefined;
}

function invalid(field: string, message: string): OsnetError {
  return new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${message}`, { field });
}

function scalar(v: unknown, field: string): string | number | boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw invalid(field, 'must be a string, number or boolean');
}

/** Neutron query parameters from a typed filter object; `path` names the argument in errors. */
export function toQuery(filters: object | undefined, path = 'filters'): Record<string, QueryValue> {
  const q: Record<string, QueryValue> = {};
  for (const [key, value] of Object.entries(filters ?? {})) {
    if (value === undefined || value === null) continue;
    const field = `${path}.${key}`;
    if (TAG_KEYS.has(key)) {
      if (!Array.isArray(value) || value.length === 0)
        throw invalid(field, 'must be a non-empty list of tags');
      q[key] = value.map((t, i) => requireTag(t, `${field}[${i}]`, true)).join(',');
    } else if (key === 'fixed_ips') {
      if (!Array.isArray(value)) throw invalid(field, 'must be a list of {ip_address, subnet_id} filters');
      q[key] = value.flatMap((f: FixedIpFilter, i) =>
        Object.entries(f ?? {})
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${scalar(v, `${field}[${i}].${k}`)}`),
      );
    } else if (key === 'limit') {
      if (!Number.isInteger(value) || (value as number) < 1)
        throw invalid(field, 'must be a positive integer');
      q[key] = value as number;
    } else if (key === 'sort_dir') {
      if (value !== 'asc' && value !== 'desc') throw invalid(field, 'must be "asc" or "desc"');
      q[key] = value;
    } else if (Array.isArray(value)) {
      q[RENAMED[key] ?? key] = value.map((v, i) => scalar(v, `${field}[${i}]`));
    } else {
      q[RENAMED[key] ?? key] = scalar(value, field);
    }
  }
  // Neutron wants as many sort_dir as sort_key (400 otherwise); ascending is the natural default
  if (q.sort_key !== undefined && q.sort_dir === undefined) q.sort_dir = 'asc';
  return q;
}
