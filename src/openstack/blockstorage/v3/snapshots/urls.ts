/**
 * Paths of the snapshot API, relative to the Cinder endpoint (`.../v3/<project_id>/`).
 *
 * @example
 *   snapshotURL(id) // 'snapshots/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const SNAPSHOTS = 'snapshots';
export const SNAPSHOTS_DETAIL = 'snapshots/detail';

/** @example snapshotURL(id) */
export function snapshotURL(id: string): string {
  return `${SNAPSHOTS}/${idSegment(id, 'snapshot id')}`;
}
