/**
 * Paths of Keystone v3 token validation, relative to the identity endpoint (…/v3/).
 *
 * @example
 *   identity.get(tokensUrl(), { headers: { 'x-subject-token': t } });
 */

/** @example tokensUrl() // 'auth/tokens' */
export function tokensUrl(): string {
  return 'auth/tokens';
}
