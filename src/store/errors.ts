/**
 * Native database failures as typed OsnetErrors, the same on both dialects. node:sqlite throws
 * `{ code: 'ERR_SQLITE_ERROR', errcode }` with the extended result code; pg throws `{ code: SQLSTATE }`.
 */
import { OsnetError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import './error-codes.ts';

// https://www.sqlite.org/rescode.html
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

// https://www.postgresql.org/docs/15/errcodes-appendix.html
const PG_UNIQUE = '23505';
const PG_FOREIGN_KEY = '23503';
const PG_CONFLICT = new Set(['40001', '40P01']);
// class 08 (connection exception), 57P01-03 (admin shutdown, crash shutdown, cannot connect now)
const PG_UNAVAILABLE = /^(08|57P0[123])/;
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'ENOENT']);

interface NativeError {
  code?: unknown;
  errcode?: unknown;
  constraint?: unknown;
  table?: unknown;
  message?: unknown;
}

/** The OsnetError a native failure maps to, or undefined when it is none of the typed ones. */
export function storeError(err: unknown): OsnetError | undefined {
  if (err instanceof OsnetError || typeof err !== 'object' || err === null) return undefined;
  const e = err as NativeError;
  const message = redactText(typeof e.message === 'string' ? e.message : String(err));
  const where = {
    cause: err,
    ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}),
    ...(typeof e.table === 'string' ? { table: e.table } : {}),
  };
  if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    if (e.errcode === SQLITE_CONSTRAINT_UNIQUE || e.errcode === SQLITE_CONSTRAINT_PRIMARYKEY)
      return new OsnetError('OSNET_ERR_STORE_UNIQUE', message, where);
    if (e.errcode === SQLITE_CONSTRAINT_FOREIGNKEY)
      return new OsnetError('OSNET_ERR_STORE_REFERENCED', message, where);
    // the primary code is the low byte of an extended one (SQLITE_BUSY_SNAPSHOT is 517)
    const primary = e.errcode & 0xff;
    if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED)
      return new OsnetError('OSNET_ERR_STORE_CONFLICT', message, where);
    return undefined;
  }
  if (typeof e.code !== 'string') return undefined;
  if (e.code === PG_UNIQUE) return new OsnetError('OSNET_ERR_STORE_UNIQUE', message, where);
  if (e.code === PG_FOREIGN_KEY) return new OsnetError('OSNET_ERR_STORE_REFERENCED', message, where);
  if (PG_CONFLICT.has(e.code)) return new OsnetError('OSNET_ERR_STORE_CONFLICT', message, where);
  if (PG_UNAVAILABLE.test(e.code) || NET_UNAVAILABLE.has(e.code))
    return new OsnetError('OSNET_ERR_STORE_UNAVAILABLE', message, where);
  return undefined;
}

/** `err` mapped when it is a known native failure, else unchanged. */
export function mapStoreError(err: unknown): unknown {
  return storeError(err) ?? err;
}
