/**
 * Defence in depth: the API layer validates bodies first, but the repo refuses invalid values too, before
 * any write, with an error naming the field (`policies[2].ports.start`).
 */
import { OsnetError } from '../../lib/errors.ts';
import type { Policy } from '../model.ts';

export const MAX_ID = 255;

function bad(field: string, message: string): never {
  throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${message}`, { field });
}

export function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string') bad(field, 'must be a string');
  if (value.length === 0) bad(field, 'must not be empty');
  if (value.length > MAX_ID) bad(field, `must be at most ${MAX_ID} characters, got ${value.length}`);
  return value;
}

export function checkIds(ids: unknown, field = 'ids'): string[] {
  if (!Array.isArray(ids)) bad(field, 'must be a list of ids');
  return ids.map((id, i) => checkId(id, `${field}[${i}]`));
}

export function checkProjectId(value: unknown, field = 'projectId'): string | null {
  if (value === undefined || value === null) return null;
  return checkId(value, field);
}

function checkPort(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
    bad(field, `must be an integer from 1 to 65535, got ${JSON.stringify(value)}`);
  return value;
}

export function checkPolicies(policies: unknown, field = 'policies'): Policy[] {
  if (!Array.isArray(policies)) bad(field, 'must be a list of policies');
  return policies.map((p: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof p !== 'object' || p === null) bad(at, 'must be an object');
    const { source, destination, protocol, ports } = p as Record<string, unknown>;
    checkId(source, `${at}.source`);
    checkId(destination, `${at}.destination`);
    if (protocol !== 'tcp' && protocol !== 'udp')
      bad(`${at}.protocol`, `must be tcp or udp, got ${JSON.stringify(protocol)}`);
    if (typeof ports !== 'object' || ports === null) bad(`${at}.ports`, 'must be {start, end}');
    const { start, end } = ports as Record<string, unknown>;
    checkPort(start, `${at}.ports.start`);
    checkPort(end, `${at}.ports.end`);
    if ((start as number) > (end as number)) bad(`${at}.ports`, `start ${start} is greater than end ${end}`);
    return {
      source: source as string,
      destination: destination as string,
      protocol,
      ports: { start: start as number, end: end as number },
    };
  });
}
