/**
 * Paths of the volume API, relative to the Cinder endpoint (`.../v3/<project_id>/`).
 *
 * @example
 *   volumeURL(id) // 'volumes/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const VOLUMES = 'volumes';
export const VOLUMES_DETAIL = 'volumes/detail';

/** @example volumeURL(id) */
export function volumeURL(id: string): string {
  return `${VOLUMES}/${idSegment(id, 'volume id')}`;
}

/** Volume actions (`{"os-extend": ...}`, ...). @example volumeActionURL(id) */
export function volumeActionURL(id: string): string {
  return `${volumeURL(id)}/action`;
}
