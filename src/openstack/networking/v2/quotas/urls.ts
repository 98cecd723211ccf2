/**
 * Paths of the quota API, relative to the Neutron endpoint.
 *
 * @example
 *   quotaDetailsURL(projectId) // 'quotas/<project>/details.json'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(QUOTAS) */
export const QUOTAS = 'quotas';

/** The path, relative to the Neutron endpoint. @example quotaURL(projectId) */
export function quotaURL(projectId: string): string {
  return `${QUOTAS}/${idSegment(projectId, 'project id')}`;
}

/** The `quotas/{project}/details` call (used, limit, reserved per resource). */
export function quotaDetailsURL(projectId: string): string {
  return `${quotaURL(projectId)}/details.json`;
}

/** The path, relative to the Neutron endpoint. @example quotaDefaultsURL(projectId) */
export function quotaDefaultsURL(projectId: string): string {
  return `${quotaURL(projectId)}/default`;
}
