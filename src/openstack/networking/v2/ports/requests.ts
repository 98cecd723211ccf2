/**
 * Port calls. Create/update options are sent as the request body (`{"port": {...}}`); list filters go to
 * the query string.
 *
 * @example
 *   const port = await create(net, { network_id, 'binding:host_id': host, device_owner: 'compute:osnet' });
 *   const bulk = await createMany(net, [{ network_id }, { network_id }]); // one POST
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import {
  createOne,
  getOne,
  listAll,
  createMany as postMany,
  removeOne,
  removeOneIfExists,
  updateOne,
} from '../shared/crud.ts';
import type { FixedIpFilter } from '../shared/query.ts';
import type { CommonListOpts, Listed, UpdateOptions } from '../shared/types.ts';
import { requireObject, requireString } from '../shared/validate.ts';
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

function checkCreate(opts: CreatePortOpts, path: string): void {
  requireString(requireObject(opts, path) as Record<string, unknown>, 'network_id', path);
}

/** Creates one port. @example const p = await create(net, { network_id: netId, name: 't' }); */
export function create(client: ServiceClient, opts: CreatePortOpts): Promise<Port> {
  checkCreate(opts, 'port');
  return createOne<Port>(client, PORTS, 'port', opts);
}

/**
 * Creates all ports in one POST (Neutron's bulk create: all are created or none).
 *
 * @example
 *   const ports = await createMany(net, Array.from({ length: 5 }, () => ({ network_id })));
 */
export function createMany(client: ServiceClient, opts: readonly CreatePortOpts[]): Promise<Port[]> {
  if (Array.isArray(opts)) for (const [i, o] of opts.entries()) checkCreate(o, `ports[${i}]`);
  return postMany<Port>(client, PORTS, 'ports', opts);
}

/** One port by id (NotFoundError when it does not exist or is not visible). @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<Port> {
  return getOne<Port>(client, portURL(id), 'port');
}

/**
 * Ports matching the filters, paged lazily.
 *
 * @example
 *   for await (const p of list(net, { device_id: podId, fields: ['id', 'status'] })) console.log(p.status);
 */
export function list<F extends ListPortsOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<Port, F>, void, undefined> {
  return listAll<Port, F>(client, PORTS, 'ports', filters as F);
}

/** Changes a port; `ifMatch` makes it conditional on the revision. @example await update(net, id, { name: 'b' }, { ifMatch: 3 }) */
export function update(
  client: ServiceClient,
  id: string,
  opts: UpdatePortOpts,
  options: UpdateOptions = {},
): Promise<Port> {
  return updateOne<Port>(client, portURL(id), 'port', opts, options);
}

/** Deletes a port; NotFoundError when it is already gone. @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, portURL(id));
}

/** Deletes a port; false when it was already gone. @example if (!(await removeIfExists(net, id))) log('gone') */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, portURL(id));
}
