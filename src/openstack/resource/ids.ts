/**
 * An id that goes into a URL path must stay one path segment of the resource it names: `..` would climb to
 * the collection (`ports/..` is `ports`' parent), `.` names the collection itself, and `/`, `?`, `#` or `\`
 * would end the segment. Such ids are refused before any request; the rest is URL-encoded.
 *
 * @example
 *   const path = `ports/${idSegment(id, 'port id')}`;
 */
import { OsnetError } from '../../lib/errors.ts';

// no OpenStack id (UUIDs, Keystone's "default" domain, extension aliases) contains any of these
const SEGMENT_BREAKERS = /[/?#\\]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `value` checked to be a safe single path segment, URL-encoded; OSNET_ERR_VALIDATION naming `field` otherwise. */
export function idSegment(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(field, 'must be a non-empty string');
  }
  if (value === '.' || value === '..') {
    throw invalid(field, `must not be ${JSON.stringify(value)} (it would name another path)`);
  }
  const bad = SEGMENT_BREAKERS.exec(value) ?? CONTROL.exec(value);
  if (bad) {
    throw invalid(field, `must not contain ${JSON.stringify(bad[0])} (got ${JSON.stringify(value)})`);
  }
  return encodeURIComponent(value);
}

function invalid(field: string, message: string): OsnetError {
  return new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${message}`, { field });
}
