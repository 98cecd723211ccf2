/**
 * Paths of the network API, relative to the Neutron endpoint.
 *
 * @example
 *   networkURL(id) // 'networks/<id>'
 */
import { requireId } from '../shared/validate.ts';

export const NETWORKS = 'networks';

export function networkURL(id: string): string {
  return `${NETWORKS}/${requireId(id, 'network id')}`;
}
