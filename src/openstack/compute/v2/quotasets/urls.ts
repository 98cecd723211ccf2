/**
 * Paths of Nova's quota-set API, relative to the Nova endpoint.
 *
 * @example
 *   quotaSetDetailURL(projectId) // 'os-quota-sets/<project>/detail'
 */
import { idSegment } from '../../../resource/ids.ts';

export const QUOTA_SETS = 'os-quota-sets';

/** @example quotaSetURL(projectId) */
export function quotaSetURL(projectId: string): string {
  return `${QUOTA_SETS}/${idSegment(projectId, 'project id')}`;
}

/** Limits with in_use and reserved per resource. @example quotaSetDetailURL(projectId) */
export function quotaSetDetailURL(projectId: string): string {
  return `${quotaSetURL(projectId)}/detail`;
}

/** The defaults a project without its own limits gets. @example quotaSetDefaultsURL(projectId) */
export function quotaSetDefaultsURL(projectId: string): string {
  return `${quotaSetURL(projectId)}/defaults`;
}
