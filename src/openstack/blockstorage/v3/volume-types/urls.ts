/**
 * Paths of the volume type API, relative to the Cinder endpoint.
 *
 * @example
 *   volumeTypeURL(id) // 'types/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const VOLUME_TYPES = 'types';

/** @example volumeTypeURL(id) */
export function volumeTypeURL(id: string): string {
  return `${VOLUME_TYPES}/${idSegment(id, 'volume type id')}`;
}
