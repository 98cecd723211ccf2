/**
 * Paths of Keystone v3 application credentials: they live under their user.
 *
 * @example
 *   identity.get(applicationCredentialUrl(userId, id));
 */
import { idSegment } from '../../../resource/ids.ts';

/** @example applicationCredentialsUrl('u') // 'users/u/application_credentials' */
export function applicationCredentialsUrl(userId: string): string {
  return `users/${idSegment(userId, 'userId')}/application_credentials`;
}

/** @example applicationCredentialUrl('u', 'c') // 'users/u/application_credentials/c' */
export function applicationCredentialUrl(userId: string, id: string): string {
  return `${applicationCredentialsUrl(userId)}/${idSegment(id, 'applicationCredentialId')}`;
}
