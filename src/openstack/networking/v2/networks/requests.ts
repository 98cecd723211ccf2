/**
 * Network calls. Create/update options are the request body (`{"network": {...}}`); list filters the query.
 *
 * @example
 *   const n = await create(net, { name: 't-net' });
 *   await update(net, n.id, { name: 'renamed' }, { ifMatch: n.revision_number });
 */
import { resource } from '../../../resource/resource.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
import type { Network } from './results.ts';
import { NETWORKS, networkURL } from './urls.ts';

/** Request body attributes a network update may change. */
export interface UpdateNetworkOpts {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  /** Admin only. */
  shared?: boolean;
  port_security_enabled?: boolean;
  mtu?: number;
  /** Admin only. */
  'router:external'?: boolean;
  qos_policy_id?: string | null;
  dns_domain?: string;
  is_default?: boolean;
}

/** Request body of a network create. */
export interface CreateNetworkOpts extends UpdateNetworkOpts {
  /** Admin only. */
  project_id?: string;
  /** Admin only (provider extension). */
  'provider:network_type'?: string;
  'provider:physical_network'?: string;
  'provider:segmentation_id'?: number;
  availability_zone_hints?: string[];
}

/** Query filters of a network list. */
export interface ListNetworksOpts extends CommonListOpts<Network> {
  status?: string | undefined;
  shared?: boolean | undefined;
  admin_state_up?: boolean | undefined;
  mtu?: number | undefined;
  'router:external'?: boolean | undefined;
  'provider:network_type'?: string | undefined;
  'provider:physical_network'?: string | undefined;
  'provider:segmentation_id'?: number | undefined;
}

/**
 * create, get, list (paged lazily), update (`ifMatch`: conditional on the revision), remove, removeIfExists.
 *
 * @example
 *   const n = await create(net, { name: 'web' });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Network,
  CreateNetworkOpts,
  UpdateNetworkOpts,
  ListNetworksOpts
>({
  ...NEUTRON,
  name: 'network',
  plural: 'networks',
  collection: NETWORKS,
  item: networkURL,
});
