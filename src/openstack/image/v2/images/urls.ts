/**
 * Paths of the image API, relative to the Glance endpoint (`.../v2/`).
 *
 * @example
 *   imageURL(id) // 'images/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

export const IMAGES = 'images';

/** @example imageURL(id) */
export function imageURL(id: string): string {
  return `${IMAGES}/${idSegment(id, 'image id')}`;
}

/** The image data (PUT uploads, GET downloads). @example imageFileURL(id) // 'images/<id>/file' */
export function imageFileURL(id: string): string {
  return `${imageURL(id)}/file`;
}
