/**
 * Decoding shared by every source: JSON text, and the seed's base64 argument (`apply --b64 <config>`).
 *
 * @example
 *   decodeJson('{"links":[]}', 'file /tmp/nd.json'); // { links: [] }
 *   decodeBase64Json(Buffer.from('{}').toString('base64'), '--b64'); // {}
 */
import { OsnetError } from '../../lib/errors.ts';

/** Parses JSON text; a syntax error becomes OSNET_ERR_DECODE naming where the text came from. */
export function decodeJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new OsnetError('OSNET_ERR_DECODE', `${origin}: not valid JSON (${why})`, { field: origin, cause });
  }
}

const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes standard or URL-safe base64 holding JSON; refuses anything that is not base64. */
export function decodeBase64Json(b64: string, origin = '--b64'): unknown {
  const compact = b64.replace(/\s+/g, '');
  if (compact.length === 0 || !B64_RE.test(compact) || compact.length % 4 === 1) {
    throw new OsnetError('OSNET_ERR_DECODE', `${origin}: not base64`, { field: origin });
  }
  const text = Buffer.from(
    compact,
    compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64',
  ).toString('utf8');
  return decodeJson(text, origin);
}
