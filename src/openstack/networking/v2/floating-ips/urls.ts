/**
 * Paths of the floating IP API, relative to the Neutron endpoint.
 *
 * @example
 *   floatingIpURL(id) // 'floatingips/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(FLOATING_IPS) */
export const FLOATING_IPS = 'floatingips';

/** The path, relative to the Neutron endpoint. @example floatingIpURL(id) */
export function floatingIpURL(id: string): string {
  return `${FLOATING_IPS}/${idSegment(id, 'floating IP id')}`;
}
