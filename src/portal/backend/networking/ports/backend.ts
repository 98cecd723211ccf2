/**
 * The OpenStack side of `/api/openstack-ports/`. Neutron keeps tags given in a port's create body (unlike
 * networks, routers, …), so the marker tag is set atomically with the create and a retry finds the port by
 * it: no window in which an untagged port could be made twice.
 *
 * @example
 *   const { record } = await portsBackend.create(scope, { network: netId, fixed_ips: [{ subnet_id }] }, marker);
 */
import { collect } from '../../../../openstack/client/pagination.ts';
import * as ports from '../../../../openstack/networking/v2/ports/index.ts';
import type { KindBackend } from '../../contract.ts';
import { first, markerTag } from '../shared/marker.ts';
import { LIST_PAGE, neutron, requireOwnGroups, requireUsableNetwork } from '../shared/scope.ts';
import { portRecord } from './fields.ts';
import { checkPortBody } from './schemas.ts';

export interface PortSpec {
  /** Backend id of the network. */
  network: string;
  name?: string;
  description?: string;
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  mac_address?: string;
  /** Backend ids. */
  security_groups?: string[];
  allowed_address_pairs?: { ip_address: string; mac_address?: string }[];
  port_security_enabled?: boolean;
}
export type PortPatch = Pick<PortSpec, 'name' | 'description' | 'security_groups' | 'allowed_address_pairs'>;

export const portsBackend: KindBackend<PortSpec, PortPatch> = {
  kind: 'ports',
  async list(scope) {
    const net = await neutron(scope);
    return (await collect(ports.list(net, { project_id: scope.projectId, limit: LIST_PAGE }))).map(
      portRecord,
    );
  },
  async create(scope, spec, marker) {
    checkPortBody(spec as unknown as Record<string, unknown>);
    const net = await neutron(scope);
    const tag = markerTag(marker);
    const made = await first(ports.list(net, { project_id: scope.projectId, tags: [tag] }));
    if (made) return { record: portRecord(made) };
    await requireUsableNetwork(scope, net, spec.network, 'body.network');
    await requireOwnGroups(scope, net, spec.security_groups ?? [], (i) => `body.security_groups[${i}]`);
    const { network, ...rest } = spec;
    const p = await ports.create(net, {
      ...rest,
      name: spec.name ?? '',
      description: spec.description ?? '',
      network_id: network,
      project_id: scope.projectId,
      tags: [tag],
    });
    return { record: portRecord(p) };
  },
  async update(scope, backendId, patch) {
    checkPortBody(patch as unknown as Record<string, unknown>);
    const net = await neutron(scope);
    await requireOwnGroups(scope, net, patch.security_groups ?? [], (i) => `body.security_groups[${i}]`);
    return portRecord(await ports.update(net, backendId, patch));
  },
  async delete(scope, backendId) {
    await ports.removeIfExists(await neutron(scope), backendId);
  },
};
