/**
 * What every Neutron resource description shares: updates are PUT `{"port": {...}}` and may be made
 * conditional on the revision (`If-Match: revision_number=N`); bad input throws at the call.
 *
 * @example
 *   const network = resource<Network, CreateNetworkOpts, UpdateNetworkOpts, ListNetworksOpts>({
 *     ...NEUTRON, name: 'network', plural: 'networks', collection: NETWORKS, item: networkURL,
 *   });
 */
import type { UpdateStyle } from '../../../resource/resource.ts';

export const NEUTRON: { update: UpdateStyle<unknown>; badInput: 'throws' } = {
  update: { method: 'PUT', ifMatch: true },
  // osnet's Neutron calls have always thrown bad input at the call; callers rely on it
  badInput: 'throws',
};
