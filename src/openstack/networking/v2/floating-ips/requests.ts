/**
 * Floating IP calls. Create/update options are the request body (`{"floatingip": {...}}`); list filters
 * the query.
 *
 * @example
 *   const fip = await create(net, { floating_network_id: extNet });
 *   await associate(net, fip.id, portId);
 */

import type { ServiceClient } from '../../../client/service-client.ts';
import { resource } from '../../../resource/resource.ts';
import type { UpdateOptions } from '../../../resource/types.ts';
import { requireString } from '../../../resource/validate.ts';
import { NEUTRON } from '../shared/neutron.ts';
import type { CommonListOpts } from '../shared/types.ts';
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

/**
 * create (floating_network_id is required), get, list, update (`ifMatch`), remove, removeIfExists.
 *
 * @example
 *   const fip = await create(net, { floating_network_id: extNet });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  FloatingIp,
  CreateFloatingIpOpts,
  UpdateFloatingIpOpts,
  ListFloatingIpsOpts
>({
  ...NEUTRON,
  name: 'floatingip',
  plural: 'floatingips',
  collection: FLOATING_IPS,
  item: floatingIpURL,
  checkCreate: (body, path) => requireString(body, 'floating_network_id', path),
});

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
