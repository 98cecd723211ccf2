/**
 * Paths of the subnet API, relative to the Neutron endpoint.
 *
 * @example
 *   subnetURL(id) // 'subnets/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(SUBNETS) */
export const SUBNETS = 'subnets';

/** The path, relative to the Neutron endpoint. @example subnetURL(id) */
export function subnetURL(id: string): string {
  return `${SUBNETS}/${idSegment(id, 'subnet id')}`;
}
