/**
 * Paths of Cinder's quota-set API, relative to the Cinder endpoint (`.../v3/<project_id>/`).
 *
 * @example
 *   quotaSetURL(projectId) // 'os-quota-sets/<project>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const QUOTA_SETS = 'os-quota-sets';

/** @example quotaSetURL(projectId) */
export function quotaSetURL(projectId: string): string {
  return `${QUOTA_SETS}/${idSegment(projectId, 'project id')}`;
}

/** @example quotaSetDefaultsURL(projectId) */
export function quotaSetDefaultsURL(projectId: string): string {
  return `${quotaSetURL(projectId)}/defaults`;
}
