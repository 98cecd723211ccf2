/**
 * Paths of the floating IP API, relative to the Neutron endpoint.
 *
 * @example
 *   floatingIpURL(id) // 'floatingips/<id>'
 */
import { requireId } from '../shared/validate.ts';

export const FLOATING_IPS = 'floatingips';

export function floatingIpURL(id: string): string {
  return `${FLOATING_IPS}/${requireId(id, 'floating IP id')}`;
}
