/**
 * What every portal route shares: the store, who is calling (`Authorization: Token <key>`), absolute URLs
 * of objects (Waldur's `url` fields) and the uuid inside an object's URL.
 *
 * @example
 *   const caller = await d.caller(req);
 *   d.url(req, 'customers', row.uuid); // https://portal/api/customers/<uuid>/
 */
import type { FastifyRequest } from 'fastify';
import { OsnetError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import '../../server/error-codes.ts';
import { userOfToken } from '../identity/tokens.ts';
import type { PortalStore } from '../store/index.ts';

export interface Caller {
  uuid: string;
  username: string;
  staff: boolean;
}

export interface PortalDeps {
  store: PortalStore;
  /** Lifetime of tokens made by /api-auth/password/, seconds; absent: they do not expire. */
  tokenLifetimeSeconds?: number | undefined;
  /** Seals provider and tenant secrets at rest; absent: routes that need it answer 503. */
  secrets?: SecretBox | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the request's token is checked (for the audit of failures). */
    caller?: Caller;
    /** The osnet code of the error answered (for the audit of failures). */
    failureCode?: string;
  }
}

const unauthenticated = (why: string) =>
  new OsnetError('OSNET_ERR_HTTP_UNAUTHENTICATED', why, { field: 'headers.authorization' });

export async function callerOf(d: PortalDeps, req: FastifyRequest): Promise<Caller> {
  const m = /^Token\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) throw unauthenticated('authentication required: Authorization: Token <key>');
  const user = await userOfToken(d.store.db, m[1]!);
  if (!user) throw unauthenticated('invalid or expired token');
  req.caller = { uuid: user.uuid, username: user.username, staff: user.is_staff === 1 };
  return req.caller;
}

export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export function objectUrl(req: FastifyRequest, kind: string, uuid: string): string {
  return `${baseUrl(req)}/api/${kind}/${uuid}/`;
}

/** The uuid a reference names: an object URL (`…/api/<kind>/<uuid>/`) or the bare uuid. */
export function uuidOf(ref: string, kind: string, field: string): string {
  const m = new RegExp(`^(?:.*/api/${kind}/)?([0-9a-f]{32})/?$`).exec(ref.trim());
  if (!m) throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: not a ${kind} URL or uuid`, { field });
  return m[1]!;
}

export function notFound(kind: string): OsnetError {
  return new OsnetError('OSNET_ERR_NOT_FOUND', `no such ${kind}`);
}

export function forbidden(why: string): OsnetError {
  return new OsnetError('OSNET_ERR_PERMISSION', why);
}
