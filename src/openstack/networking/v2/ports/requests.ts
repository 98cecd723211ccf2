/**
 * Port calls. Create/update options are sent as the request body (`{"port": {...}}`); list filters go to
 * the query string.
 *
 * @example
 *   const port = await create(net, { network_id, 'binding:host_id': host, device_owner: 'compute:osnet' });
 *   const bulk = await createMany(net, [{ network_id }, { network_id }]); // one POST
 */

import type { FixedIpFilter } from '../../../resource/query.ts';
import { resource } from '../../../resource/resource.ts';
import { requireString } from '../../../resource/validate.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
import type { JsonValue, Port, VnicType } from './results.ts';
import { PORTS, portURL } from './urls.ts';

/** Request body attributes a port update may change. */
export interface UpdatePortOpts {
  name?: string;
  description?: string;
  admin_state_up?: boolean;
  mac_address?: string;
  /** Each entry: a subnet to allocate from and/or a fixed address. */
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  device_id?: string;
  device_owner?: string;
  security_groups?: string[];
  allowed_address_pairs?: { ip_address: string; mac_address?: string }[];
  port_security_enabled?: boolean;
  /** Admin only in the default policy. */
  'binding:host_id'?: string;
  /** Admin only in the default policy. */
  'binding:profile'?: Record<string, JsonValue>;
  'binding:vnic_type'?: VnicType;
  qos_policy_id?: string | null;
  dns_name?: string;
  extra_dhcp_opts?: { opt_name: string; opt_value: string; ip_version?: 4 | 6 }[];
}

/** Request body of a port create. */
export interface CreatePortOpts extends UpdatePortOpts {
  network_id: string;
  /** Admin only: create in another project. */
  project_id?: string;
  propagate_uplink_status?: boolean;
  /** Kept only where Neutron has `tag-ports-during-bulk-creation`; elsewhere ignored (tag after creating). */
  tags?: string[];
}

/** Query filters of a port list. */
export interface ListPortsOpts extends CommonListOpts<Port> {
  network_id?: string | undefined;
  device_id?: string | undefined;
  device_owner?: string | undefined;
  mac_address?: string | undefined;
  status?: string | undefined;
  admin_state_up?: boolean | undefined;
  'binding:host_id'?: string | undefined;
  'binding:vnic_type'?: VnicType | undefined;
  security_groups?: readonly string[] | undefined;
  /** Ports having an address matching each entry (`fixed_ips=ip_address=...`). */
  fixed_ips?: readonly FixedIpFilter[] | undefined;
}

/**
 * create, createMany (one POST: all are created or none), get, list (paged lazily), update (`ifMatch`
 * makes it conditional on the revision), remove, removeIfExists.
 *
 * @example
 *   const p = await create(net, { network_id: netId, name: 't' });
 *   for await (const x of list(net, { device_id: podId, fields: ['id', 'status'] })) console.log(x.status);
 */
export const { create, createMany, get, list, update, remove, removeIfExists } = resource<
  Port,
  CreatePortOpts,
  UpdatePortOpts,
  ListPortsOpts
>({
  ...NEUTRON,
  name: 'port',
  plural: 'ports',
  collection: PORTS,
  item: portURL,
  checkCreate: (body, path) => requireString(body, 'network_id', path),
});
