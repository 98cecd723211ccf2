/**
 * Paths of the network API, relative to the Neutron endpoint.
 *
 * @example
 *   networkURL(id) // 'networks/<id>'
 */
import { requireId } from '../shared/validate.ts';

/** The collection path. @example client.get(NETWORKS) */
export const NETWORKS = 'networks';

/** The path, relative to the Neutron endpoint. @example networkURL(id) */
export function networkURL(id: string): string {
  return `${NETWORKS}/${requireId(id, 'network id')}`;
}
