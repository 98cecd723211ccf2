/**
 * Paths of the flavor API, relative to the Nova endpoint.
 *
 * @example
 *   flavorURL(id) // 'flavors/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const FLAVORS = 'flavors';
export const FLAVORS_DETAIL = 'flavors/detail';

/** @example flavorURL(id) */
export function flavorURL(id: string): string {
  return `${FLAVORS}/${idSegment(id, 'flavor id')}`;
}
