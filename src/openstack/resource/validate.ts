/**
 * Input checks done before anything is sent, so bad input fails with OSNET_ERR_VALIDATION naming the
 * field and nothing reaches the service half-formed.
 *
 * @example
 *   requireString(requireObject(opts, 'port'), 'network_id', 'port');
 */
import { OsnetError } from '../../lib/errors.ts';

function invalid(field: string, message: string): OsnetError {
  return new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${message}`, { field });
}

/** The request body object, checked to be a plain object. */
export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'must be an object');
  return value as Record<string, unknown>;
}

/** Checks that `obj[key]` is a non-empty string (a required create attribute). */
export function requireString(obj: Record<string, unknown>, key: string, path: string): void {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '')
    throw invalid(`${path}.${key}`, 'is required (a non-empty string)');
}

/** Checks that `obj[key]` is one of `allowed` when `required` or present. */
export function requireOneOf(
  obj: Record<string, unknown>,
  key: string,
  allowed: readonly (string | number)[],
  path: string,
  required = true,
): void {
  const v = obj[key];
  if (v === undefined && !required) return;
  if (!allowed.includes(v as string | number)) {
    throw invalid(`${path}.${key}`, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
}

/** A Neutron tag: 1-255 characters, no comma when used in a filter (Neutron splits filters on commas). */
export function requireTag(value: unknown, field: string, forFilter = false): string {
  if (typeof value !== 'string' || value === '' || value.length > 255) {
    throw invalid(field, 'a tag must be a string of 1 to 255 characters');
  }
  if (value.includes('/')) throw invalid(field, 'a tag must not contain "/"');
  if (forFilter && value.includes(',')) throw invalid(field, 'a tag used as a filter must not contain ","');
  return value;
}

/** `If-Match: revision_number=N` for `ifMatch`, nothing when it is undefined. */
export function ifMatchHeaders(ifMatch: number | undefined): Record<string, string> | undefined {
  if (ifMatch === undefined) return undefined;
  if (!Number.isInteger(ifMatch) || ifMatch < 0) throw invalid('ifMatch', 'must be a non-negative integer');
  return { 'If-Match': `revision_number=${ifMatch}` };
}
