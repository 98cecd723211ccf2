/**
 * Keystone v3 token validation: GET /v3/auth/tokens with the token to check in X-Subject-Token, sent with
 * the caller's own token (a service validating its users' tokens). The catalog is not asked for
 * (`nocatalog`): a validator needs who and which roles, not endpoints. An invalid or expired token is
 * Keystone's 404, a NotFoundError.
 *
 * @example
 *   const info = await tokens.validate(identity, req.headers['x-auth-token']);
 *   if (info.roles.some((r) => r.name === 'admin')) ...
 */
import { OsnetError } from '../../../../lib/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import type { TokenInfo } from './results.ts';
import { tokensUrl } from './urls.ts';

export interface ValidateOpts {
  /** Also accept an expired token (Keystone's allow_expired, for service-to-service calls). Default false. */
  allowExpired?: boolean;
}

type Body = { token?: Omit<TokenInfo, 'answeredAt'> };

export async function validate(
  identity: ServiceClient,
  subjectToken: string,
  opts: ValidateOpts = {},
): Promise<TokenInfo> {
  if (typeof subjectToken !== 'string' || subjectToken.trim() === '' || /[\r\n]/.test(subjectToken)) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'subjectToken must be a non-empty single-line string', {
      field: 'subjectToken',
    });
  }
  const res = await identity.get<Body>(tokensUrl(), {
    query: { nocatalog: true, allow_expired: opts.allowExpired ? true : undefined },
    headers: { 'x-subject-token': subjectToken },
  });
  const t = res.body?.token;
  if (!t?.expires_at || !t.user?.id) {
    throw new OsnetError('OSNET_ERR_OS_UNEXPECTED', 'GET auth/tokens: Keystone answered without a token');
  }
  const date = Date.parse(res.headers.get('date') ?? '');
  return { ...t, roles: t.roles ?? [], answeredAt: Number.isNaN(date) ? Date.now() : date };
}
