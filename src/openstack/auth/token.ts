/**
 * Keystone v3 token issue (POST /v3/auth/tokens) for the three auth types osnet supports. A token's life is
 * judged from Keystone's own issued_at/expires_at, counted from when its answer arrived on the local clock,
 * so a local clock hours off Keystone's neither renews every call nor keeps an expired token. Every issued
 * token is registered for redaction until it expires.
 *
 * @example
 *   const token = await issueToken(transport, cfg);
 */
import { OsnetError } from '../../lib/errors.ts';
import { forgetSecret, registerSecret } from '../../lib/redact.ts';
import type { AuthSettings, CloudConfig } from '../config/types.ts';
import { errorForStatus, parseServiceError } from '../http/errors.ts';
import type { Transport } from '../http/transport.ts';
import type { CatalogService } from './catalog.ts';

export interface Token {
  /** The X-Subject-Token value. Never log it. */
  readonly value: string;
  /** Keystone's expires_at and issued_at, on Keystone's clock: compare them with each other only. */
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  /** When the answer arrived, on the local clock of `issueToken`'s `now` (ms). */
  readonly receivedAt: number;
  readonly userId: string;
  readonly userName: string;
  readonly projectId: string | undefined;
  readonly projectName: string | undefined;
  readonly domainId: string | undefined;
  readonly roles: readonly string[];
  readonly catalog: readonly CatalogService[];
}

interface TokenBody {
  token: {
    expires_at: string;
    issued_at: string;
    user: { id: string; name: string };
    project?: { id: string; name: string };
    domain?: { id: string; name: string };
    roles?: { id: string; name: string }[];
    catalog?: CatalogService[];
  };
}

/** Keystone's v3 base URL from auth_url, which may or may not carry /v3. */
export function identityBase(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(base) ? `${base}/` : `${base}/v3/`;
}

export function authRequestBody(cfg: Pick<CloudConfig, 'authType' | 'auth'>): unknown {
  const a = cfg.auth;
  if (cfg.authType === 'v3applicationcredential') {
    const cred: Record<string, unknown> = { secret: a.application_credential_secret };
    if (a.application_credential_id) cred.id = a.application_credential_id;
    else {
      cred.name = a.application_credential_name;
      cred.user = userRef(a);
    }
    // an application credential is always scoped to its own project: no scope block
    return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
  }
  const identity =
    cfg.authType === 'token'
      ? { methods: ['token'], token: { id: a.token } }
      : { methods: ['password'], password: { user: { ...userRef(a), password: a.password } } };
  const scope = scopeOf(a);
  return { auth: scope ? { identity, scope } : { identity } };
}

function userRef(a: AuthSettings): Record<string, unknown> {
  if (a.user_id) return { id: a.user_id };
  return {
    name: a.username,
    domain: a.user_domain_id ? { id: a.user_domain_id } : { name: a.user_domain_name },
  };
}

function scopeOf(a: AuthSettings): unknown {
  if (a.project_id) return { project: { id: a.project_id } };
  if (a.project_name) {
    return {
      project: {
        name: a.project_name,
        domain: a.project_domain_id ? { id: a.project_domain_id } : { name: a.project_domain_name },
      },
    };
  }
  if (a.domain_id) return { domain: { id: a.domain_id } };
  if (a.domain_name) return { domain: { name: a.domain_name } };
  if (a.system_scope) return { system: { all: true } };
  return undefined;
}

/** The default local clock: monotonic, so a wall-clock jump does not age or rejuvenate a token. */
export const monotonicNow = (): number => performance.timeOrigin + performance.now();

/** Local time (same clock as `receivedAt`) at which the token expires. */
export function localExpiry(t: Token): number {
  return t.receivedAt + (t.expiresAt.getTime() - t.issuedAt.getTime());
}

export interface IssueOptions {
  /** The local clock, in ms (tests inject a skewed one). */
  now?: () => number;
}

export async function issueToken(
  transport: Transport,
  cfg: CloudConfig,
  opts: IssueOptions = {},
): Promise<Token> {
  const now = opts.now ?? monotonicNow;
  const url = `${identityBase(cfg.auth.auth_url)}auth/tokens`;
  const res = await transport.send({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(authRequestBody(cfg)),
    // a token request changes nothing: safe to retry on connection errors and 5xx
    idempotent: true,
  });
  const receivedAt = now();
  if (res.status !== 201 && res.status !== 200) {
    const { message, type } = parseServiceError(res.body);
    throw errorForStatus({
      status: res.status,
      method: 'POST',
      url,
      requestId: res.requestId,
      serviceMessage: `authentication as ${describeUser(cfg)} failed: ${message ?? `HTTP ${res.status}`}`,
      serviceType: type,
    });
  }
  const value = res.headers.get('x-subject-token');
  const body = res.body as TokenBody | undefined;
  if (!value || !body?.token?.expires_at) {
    throw new OsnetError('OSNET_ERR_OS_UNEXPECTED', `POST ${url}: Keystone answered without a token`);
  }
  const t = body.token;
  const expiresAt = new Date(t.expires_at);
  const issuedAt = new Date(t.issued_at);
  if (Number.isNaN(expiresAt.getTime()) || Number.isNaN(issuedAt.getTime())) {
    throw new OsnetError(
      'OSNET_ERR_OS_UNEXPECTED',
      `POST ${url}: Keystone's token has no valid issued_at/expires_at`,
    );
  }
  registerSecret(value);
  const lifeMs = expiresAt.getTime() - issuedAt.getTime();
  // forgotten once expired (it is useless then), so a long-running portal does not mask ever more strings
  setTimeout(() => forgetSecret(value), Math.min(Math.max(lifeMs, 0) + 60_000, 2 ** 31 - 1)).unref();
  return {
    value,
    expiresAt,
    issuedAt,
    receivedAt,
    userId: t.user.id,
    userName: t.user.name,
    projectId: t.project?.id,
    projectName: t.project?.name,
    domainId: t.domain?.id,
    roles: (t.roles ?? []).map((r) => r.name),
    catalog: t.catalog ?? [],
  };
}

function describeUser(cfg: CloudConfig): string {
  const a = cfg.auth;
  if (cfg.authType === 'v3applicationcredential') {
    return `application credential ${a.application_credential_id ?? a.application_credential_name}`;
  }
  if (cfg.authType === 'token') return 'a token';
  const who = a.username ?? a.user_id;
  const scope = a.project_name ?? a.project_id ?? a.domain_name ?? a.domain_id;
  return scope ? `${who} (project ${scope})` : `${who}`;
}
