/**
 * Paths of Keystone v3 application credentials: they live under their user.
 *
 * @example
 *   identity.get(applicationCredentialUrl(userId, id));
 */
import { segment } from '../common.ts';

/** @example applicationCredentialsUrl('u') // 'users/u/application_credentials' */
export function applicationCredentialsUrl(userId: string): string {
  return `users/${segment(userId, 'userId')}/application_credentials`;
}

/** @example applicationCredentialUrl('u', 'c') // 'users/u/application_credentials/c' */
export function applicationCredentialUrl(userId: string, id: string): string {
  return `${applicationCredentialsUrl(userId)}/${segment(id, 'applicationCredentialId')}`;
}
