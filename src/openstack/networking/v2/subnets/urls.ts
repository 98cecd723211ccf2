/**
 * Paths of the subnet API, relative to the Neutron endpoint.
 *
 * @example
 *   subnetURL(id) // 'subnets/<id>'
 */
import { requireId } from '../shared/validate.ts';

export const SUBNETS = 'subnets';

export function subnetURL(id: string): string {
  return `${SUBNETS}/${requireId(id, 'subnet id')}`;
}
