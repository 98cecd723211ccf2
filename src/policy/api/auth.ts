/**
 * Who is calling the external API: the Keystone token in `X-Auth-Token` or `Authorization: Bearer`,
 * validated against Keystone with the server's own credentials and cached until the token expires (a
 * bounded cache, oldest entry out first; concurrent requests with one new token make one Keystone call).
 * Tokens are cached by their SHA-256, never as themselves. A revoked token therefore keeps working here
 * until its expiry, as with keystonemiddleware's cache.
 *
 * @example
 *   const tokens = keystoneTokens(await cloud.identity());
 *   const caller = await tokens.caller(req.headers);
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OsnetError } from '../../lib/errors.ts';
import { NotFoundError, UnauthorizedError } from '../../openstack/client/errors.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import * as tokens from '../../openstack/identity/v3/tokens/index.ts';
import '../../server/error-codes.ts';

export interface Caller {
  userId: string;
  /** The token's project; undefined for a domain-scoped or unscoped token. */
  projectId: string | undefined;
  roles: readonly string[];
  /** Holds the admin role: manages every policy. */
  admin: boolean;
}

export interface TokenValidator {
  /** The caller of a token; throws OSNET_ERR_HTTP_UNAUTHENTICATED for an invalid or expired one. */
  validate(token: string): Promise<Caller>;
}

export interface KeystoneTokensOptions {
  /** Largest number of cached tokens (default 10,000). */
  maxEntries?: number;
  /** The role that manages everything (default `admin`). */
  adminRole?: string;
  /** Local wall clock, ms (tests). */
  now?: () => number;
}

const unauthenticated = (why: string) =>
  new OsnetError('OSNET_ERR_HTTP_UNAUTHENTICATED', why, { field: 'X-Auth-Token' });

/** The token of a request, from X-Auth-Token or Authorization: Bearer. */
export function requestToken(headers: IncomingHttpHeaders): string {
  const x = headers['x-auth-token'];
  if (typeof x === 'string' && x.trim() !== '') return x.trim();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (m) return m[1]!;
  throw unauthenticated('a Keystone token is required (X-Auth-Token or Authorization: Bearer)');
}

export interface CachingValidator extends TokenValidator {
  /** Tokens cached now. */
  readonly size: number;
  /** Keystone calls made so far. */
  readonly calls: number;
}

export function keystoneTokens(identity: ServiceClient, o: KeystoneTokensOptions = {}): CachingValidator {
  const max = o.maxEntries ?? 10_000;
  const adminRole = o.adminRole ?? 'admin';
  const now = o.now ?? Date.now;
  const cache = new Map<string, { caller: Caller; until: number }>();
  const inflight = new Map<string, Promise<Caller>>();
  let calls = 0;

  async function fetchCaller(token: string, key: string): Promise<Caller> {
    calls++;
    let info: tokens.TokenInfo;
    try {
      info = await tokens.validate(identity, token);
    } catch (e) {
      if (e instanceof NotFoundError) throw unauthenticated('the token is invalid or expired');
      if (e instanceof OsnetError && e.field === 'subjectToken')
        throw unauthenticated('the token is malformed');
      // the server's own credentials failing is the server's fault, not the caller's
      if (e instanceof UnauthorizedError)
        throw new OsnetError(
          'OSNET_ERR_OS_UNAVAILABLE',
          'cannot validate tokens: Keystone refused the server',
        );
      throw e;
    }
    const roles = info.roles.map((r) => r.name);
    const caller: Caller = {
      userId: info.user.id,
      projectId: info.project?.id,
      roles,
      admin: roles.includes(adminRole),
    };
    // the token's remaining life on Keystone's clock, counted on ours from when Keystone answered
    const left = new Date(info.expires_at).getTime() - info.answeredAt;
    if (left > 0) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(key, { caller, until: now() + left });
    }
    return caller;
  }

  return {
    get size() {
      return cache.size;
    },
    get calls() {
      return calls;
    },
    async validate(token) {
      const key = createHash('sha256').update(token).digest('base64url');
      const hit = cache.get(key);
      if (hit && hit.until > now()) return hit.caller;
      if (hit) cache.delete(key);
      const had = inflight.get(key);
      if (had) return had;
      const p = fetchCaller(token, key).finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
  };
}
