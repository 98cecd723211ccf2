/**
 * Subnet calls. Create/update options are the request body (`{"subnet": {...}}`); list filters the query.
 *
 * @example
 *   const s = await create(net, { network_id, cidr: '10.0.0.0/24', ip_version: 4 });
 */
import { resource } from '../../../resource/resource.ts';
import { requireOneOf, requireString } from '../../../resource/validate.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
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

/**
 * create (network_id, ip_version and a cidr or subnet pool are checked first), get, list (paged lazily),
 * update (`ifMatch`: conditional on the revision), remove, removeIfExists.
 *
 * @example
 *   const s = await create(net, { network_id, cidr: '10.1.0.0/24', ip_version: 4 });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Subnet,
  CreateSubnetOpts,
  UpdateSubnetOpts,
  ListSubnetsOpts
>({
  ...NEUTRON,
  name: 'subnet',
  plural: 'subnets',
  collection: SUBNETS,
  item: subnetURL,
  checkCreate(body, path) {
    requireString(body, 'network_id', path);
    requireOneOf(body, 'ip_version', [4, 6], path);
    // a CIDR is needed unless Neutron allocates one from a subnet pool
    if (body.subnetpool_id === undefined && !body.use_default_subnetpool) requireString(body, 'cidr', path);
  },
});
