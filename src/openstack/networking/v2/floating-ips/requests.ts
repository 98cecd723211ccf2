/**
 * Floating IP calls. Create/update options are the request body (`{"floatingip": {...}}`); list filters
 * the query.
 *
 * @example
 *   const fip = await create(net, { floating_network_id: extNet });
 *   await associate(net, fip.id, portId);
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { createOne, getOne, listAll, removeOne, removeOneIfExists, updateOne } from '../shared/crud.ts';
import type { CommonListOpts, Listed, UpdateOptions } from '../shared/types.ts';
import { requireObject, requireString } from '../shared/validate.ts';
import type { FloatingIp } from './results.ts';
import { FLOATING_IPS, floatingIpURL } from './urls.ts';

/** Request body attributes a floating IP update may change. */
export interface UpdateFloatingIpOpts {
  /** null disassociates. */
  port_id?: string | null;
  fixed_ip_address?: string | null;
  description?: string;
  qos_policy_id?: string | null;
}

/** Request body of a floating IP create. */
export interface CreateFloatingIpOpts extends UpdateFloatingIpOpts {
  floating_network_id: string;
  floating_ip_address?: string;
  subnet_id?: string;
  dns_name?: string;
  dns_domain?: string;
  /** Admin only. */
  project_id?: string;
}

/** Query filters of a floating IP list. */
export interface ListFloatingIpsOpts extends Omit<CommonListOpts<FloatingIp>, 'names'> {
  floating_network_id?: string | undefined;
  floating_ip_address?: string | undefined;
  fixed_ip_address?: string | undefined;
  port_id?: string | undefined;
  router_id?: string | undefined;
  status?: string | undefined;
}

/** Allocates a floating IP. @example await create(net, { floating_network_id }) */
export function create(client: ServiceClient, opts: CreateFloatingIpOpts): Promise<FloatingIp> {
  requireString(requireObject(opts, 'floatingip'), 'floating_network_id', 'floatingip');
  return createOne<FloatingIp>(client, FLOATING_IPS, 'floatingip', opts);
}

/** One floating IP by id. @example await get(net, id) */
export function get(client: ServiceClient, id: string): Promise<FloatingIp> {
  return getOne<FloatingIp>(client, floatingIpURL(id), 'floatingip');
}

/** Floating IPs matching the filters, paged lazily. @example for await (const f of list(net, { port_id })) {} */
export function list<F extends ListFloatingIpsOpts | undefined = undefined>(
  client: ServiceClient,
  filters?: F,
): AsyncGenerator<Listed<FloatingIp, F>, void, undefined> {
  return listAll<FloatingIp, F>(client, FLOATING_IPS, 'floatingips', filters as F);
}

/** Changes a floating IP; `ifMatch` makes it conditional. @example await update(net, id, { description: 'x' }) */
export function update(
  client: ServiceClient,
  id: string,
  opts: UpdateFloatingIpOpts,
  options: UpdateOptions = {},
): Promise<FloatingIp> {
  return updateOne<FloatingIp>(client, floatingIpURL(id), 'floatingip', opts, options);
}

/** Maps the floating IP to a port (its router must reach the port's subnet). @example await associate(net, id, portId) */
export function associate(
  client: ServiceClient,
  id: string,
  portId: string,
  options: UpdateOptions & { fixed_ip_address?: string } = {},
): Promise<FloatingIp> {
  const { fixed_ip_address, ...rest } = options;
  return update(client, id, { port_id: portId, ...(fixed_ip_address ? { fixed_ip_address } : {}) }, rest);
}

/** Unmaps the floating IP. @example await disassociate(net, id) */
export function disassociate(
  client: ServiceClient,
  id: string,
  options: UpdateOptions = {},
): Promise<FloatingIp> {
  return update(client, id, { port_id: null }, options);
}

/** Releases a floating IP. @example await remove(net, id) */
export function remove(client: ServiceClient, id: string): Promise<void> {
  return removeOne(client, floatingIpURL(id));
}

/** Releases a floating IP; false when it was already gone. @example await removeIfExists(net, id) */
export function removeIfExists(client: ServiceClient, id: string): Promise<boolean> {
  return removeOneIfExists(client, floatingIpURL(id));
}
