/**
 * What a store URL (`--db`) names: `postgres://` / `postgresql://` a PostgreSQL database, `sqlite:/abs/file.db`
 * or an absolute path the embedded store. Errors name the field and never carry the URL's password.
 */
import { isAbsolute, normalize } from 'node:path';
import { OsnetError } from '../lib/errors.ts';
import { MASK, registerSecret } from '../lib/redact.ts';

export type StoreTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The URL with its password (if any) replaced by `***`, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, `$1${MASK}@`);
}

/**
 * @example
 *   parseStoreUrl('sqlite:/var/lib/osnet/policy.db') // { kind: 'sqlite', file: '/var/lib/osnet/policy.db' }
 *   parseStoreUrl('postgres://policy:pw@127.0.0.1/policy') // { kind: 'postgres', url: ... }
 */
export function parseStoreUrl(url: string, field = '--db'): StoreTarget {
  if (typeof url !== 'string' || url.trim() === '')
    throw new OsnetError('OSNET_ERR_CONFIG', `${field}: a store URL is required`, { field });
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OsnetError('OSNET_ERR_CONFIG', `${field}: not a valid URL: ${redactUrl(url)}`, { field });
    }
    if (parsed.password) registerSecret(decodeURIComponent(parsed.password));
    const socketHost = parsed.searchParams.get('host');
    if (!parsed.hostname && !socketHost)
      throw new OsnetError('OSNET_ERR_CONFIG', `${field}: no host in ${redactUrl(url)}`, { field });
    if (parsed.pathname.length <= 1)
      throw new OsnetError('OSNET_ERR_CONFIG', `${field}: no database name in ${redactUrl(url)}`, { field });
    return { kind: 'postgres', url };
  }
  let file: string;
  if (url.startsWith('sqlite:')) {
    // sqlite:/abs, sqlite:///abs (URL form with an empty host)
    file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${field}: unsupported store URL scheme in ${redactUrl(url)} (postgres://, postgresql://, sqlite:/path or /path)`,
      { field },
    );
  } else {
    file = url;
  }
  if (!isAbsolute(file) || file.includes('\0'))
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${field}: the embedded store needs an absolute file path, got ${url}`,
      {
        field,
      },
    );
  if (file.endsWith('/'))
    throw new OsnetError('OSNET_ERR_CONFIG', `${field}: ${file} names a directory, not a file`, { field });
  return { kind: 'sqlite', file: normalize(file) };
}
