/**
 * The keyset cursor of a list's `Link` next: where the page before ended (its last row's order value and
 * uuid), so following next seeks there on the order's index instead of walking OFFSET rows past it. The
 * `page` beside it still says which page it is; a request without a cursor pages by OFFSET as before.
 * Opaque to clients (base64url of a JSON pair); a bad one is a 400 naming `query.cursor`.
 */
import { OsnetError } from '../../lib/errors.ts';

export type Cursor = readonly [value: string, uuid: string];

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'))
    return [v[0] as string, v[1] as string];
  throw new OsnetError(
    'OSNET_ERR_VALIDATION',
    'query.cursor: not a cursor of this list (take it from Link next)',
    {
      field: 'query.cursor',
    },
  );
}
