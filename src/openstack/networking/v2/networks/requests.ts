/**
 * Network calls. Create/update options are the request body (`{"network": {...}}`); list filters the query.
 *
 * @example
 *   const n = await create(net, { name: 't-net' });
 *   await update(net, n.id, { name: 'renamed' }, { ifMatch: n.revision_number });
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { createOne, getOne, listAll, removeOne, removeOneIfExists, updateOne } from '../shared/crud.ts';
import type { CommonListOpts, Listed, UpdateOptions } from '../shared/types.ts';
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

/** Creates a network. @example await create(net, { name: 't-net' }) */
export function create(client: ServiceClient, opts: CreateNetworkOpts = {}): Promise<Network> {
  return createOne<Network>(client, NETWORKS, 'network', opts);
}

/** One network by id. @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<Network> {
  return getOne<Network>(client, networkURL(id), 'network');
}

/** Networks matching the filters, paged lazily. @example for await (const n of list(net, { names: ['a'] })) {} */
export function list<F extends ListNetworksOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<Network, F>, void, undefined> {
  return listAll<Network, F>(client, NETWORKS, 'networks', filters as F);
}

/** Changes a network; `ifMatch` makes it conditional. @example await update(net, id, { mtu: 1400 }, { ifMatch: 2 }) */
export function update(
  client: ServiceClient,
  id: string,
  opts: UpdateNetworkOpts,
  options: UpdateOptions = {},
): Promise<Network> {
  return updateOne<Network>(client, networkURL(id), 'network', opts, options);
}

/** Deletes a network (its ports first, or Neutron answers 409). @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, networkURL(id));
}

/** Deletes a network; false when it was already gone. @example await removeIfExists(net, id) */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, networkURL(id));
}
