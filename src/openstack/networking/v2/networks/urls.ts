/**
 * Paths of the network API, relative to the Neutron endpoint.
 *
 * @example
 *   networkURL(id) // 'networks/<id>'
 */
import { idSegment } from '../../../resource/ids.ts';

/** The collection path. @example client.get(NETWORKS) */
export const NETWORKS = 'networks';

/** The path, relative to the Neutron endpoint. @example networkURL(id) */
export function networkURL(id: string): string {
  return `${NETWORKS}/${idSegment(id, 'network id')}`;
}
