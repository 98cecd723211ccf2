/**
 * Subnet calls. Create/update options are the request body (`{"subnet": {...}}`); list filters the query.
 *
 * @example
 *   const s = await create(net, { network_id, cidr: '10.0.0.0/24', ip_version: 4 });
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { createOne, getOne, listAll, removeOne, removeOneIfExists, updateOne } from '../shared/crud.ts';
import type { CommonListOpts, Listed, UpdateOptions } from '../shared/types.ts';
import { requireObject, requireOneOf, requireString } from '../shared/validate.ts';
import type { AllocationPool, HostRoute, Ipv6Mode, Subnet } from './results.ts';
import { SUBNETS, subnetURL } from './urls.ts';

/** Request body attributes a subnet update may change. */
export interface UpdateSubnetOpts {
  name?: string;
  description?: string;
  /** null: no gateway. */
  gateway_ip?: string | null;
  enable_dhcp?: boolean;
  dns_nameservers?: string[];
  allocation_pools?: AllocationPool[];
  host_routes?: HostRoute[];
  service_types?: string[];
  segment_id?: string | null;
  dns_publish_fixed_ip?: boolean;
}

/** Request body of a subnet create: `cidr` unless allocated from a subnet pool. */
export interface CreateSubnetOpts extends UpdateSubnetOpts {
  network_id: string;
  ip_version: 4 | 6;
  cidr?: string;
  subnetpool_id?: string;
  prefixlen?: number;
  use_default_subnetpool?: boolean;
  ipv6_ra_mode?: Ipv6Mode;
  ipv6_address_mode?: Ipv6Mode;
  /** Admin only. */
  project_id?: string;
}

/** Query filters of a subnet list. */
export interface ListSubnetsOpts extends CommonListOpts<Subnet> {
  network_id?: string | undefined;
  cidr?: string | undefined;
  ip_version?: 4 | 6 | undefined;
  gateway_ip?: string | undefined;
  enable_dhcp?: boolean | undefined;
  subnetpool_id?: string | undefined;
  segment_id?: string | undefined;
  ipv6_ra_mode?: Ipv6Mode | undefined;
  ipv6_address_mode?: Ipv6Mode | undefined;
}

/** Creates a subnet. @example await create(net, { network_id, cidr: '10.1.0.0/24', ip_version: 4 }) */
export function create(client: ServiceClient, opts: CreateSubnetOpts): Promise<Subnet> {
  const body = requireObject(opts, 'subnet');
  requireString(body, 'network_id', 'subnet');
  requireOneOf(body, 'ip_version', [4, 6], 'subnet');
  if (body.subnetpool_id === undefined && !body.use_default_subnetpool) requireString(body, 'cidr', 'subnet');
  return createOne<Subnet>(client, SUBNETS, 'subnet', opts);
}

/** One subnet by id. @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<Subnet> {
  return getOne<Subnet>(client, subnetURL(id), 'subnet');
}

/** Subnets matching the filters, paged lazily. @example for await (const s of list(net, { network_id })) {} */
export function list<F extends ListSubnetsOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<Subnet, F>, void, undefined> {
  return listAll<Subnet, F>(client, SUBNETS, 'subnets', filters as F);
}

/** Changes a subnet; `ifMatch` makes it conditional. @example await update(net, id, { name: 'b' }, { ifMatch: 1 }) */
export function update(
  client: ServiceClient,
  id: string,
  opts: UpdateSubnetOpts,
  options: UpdateOptions = {},
): Promise<Subnet> {
  return updateOne<Subnet>(client, subnetURL(id), 'subnet', opts, options);
}

/** Deletes a subnet. @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, subnetURL(id));
}

/** Deletes a subnet; false when it was already gone. @example await removeIfExists(net, id) */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, subnetURL(id));
}
