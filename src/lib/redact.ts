/**
 * Secrets never reach logs, errors or API answers in plain text. Two layers:
 * - values: every secret osnet loads (passwords, application-credential secrets, tokens) is registered here,
 *   and `redactText` replaces any registered value wherever it appears in free text;
 * - keys: `redactObject` masks values under secret-looking keys (password, secret, token, ...).
 *
 * @example
 *   registerSecret(cfg.auth.password);
 *   log.info(redactText(`auth failed for ${body}`));
 */

export const MASK = '***';

const secrets = new Set<string>();
const SECRET_KEY = /pass(word)?|secret|token|credential|private[-_]?key|^authorization$|^cookie$/i;

/** Remembers a secret value so that redactText hides it. Short values (< 4 chars) are ignored: they would mask noise. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Drops a secret that can no longer be used (an expired token), so the registry does not grow forever. */
export function forgetSecret(value: string): void {
  secrets.delete(value);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Replaces every registered secret (and any X-Auth-Token / X-Subject-Token header value) in a string. */
export function redactText(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out.replace(/(x-(?:auth|subject)-token["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${MASK}`);
}

/** A deep copy with secret-keyed values masked and registered secrets removed from strings. */
export function redactObject<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (depth > 20) return MASK;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  if (value instanceof Error) {
    // message and stack are not enumerable: copy them explicitly, or the error would log as {}
    const out: Record<string, unknown> = { type: value.name, message: redactText(value.message) };
    if (value.stack) out.stack = redactText(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? MASK : walk(v, depth + 1);
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && (typeof v === 'string' || typeof v === 'number') ? MASK : walk(v, depth + 1);
    }
    return out;
  }
  return value;
}
