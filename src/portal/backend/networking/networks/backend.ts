/**
 * The OpenStack side of `/api/openstack-networks/`: create (idempotent by marker, then by name among
 * untagged networks), PATCH (name, description), delete, one list per tenant, actions `set_mtu` and
 * `create_subnet`.
 *
 * `create_subnet` gives no new network record. An engine that makes a subnet resource of it runs
 * `createSubnet` (subnets/backend.ts) with that resource's uuid as marker instead; the action here serves a
 * caller without a subnet resource: it creates the subnet, idempotent by network and CIDR, and the next
 * pull of subnets imports it.
 *
 * @example
 *   const { record } = await networksBackend.create(scope, { name: 'web' }, marker);
 */
import { collect } from '../../../../openstack/client/pagination.ts';
import * as networks from '../../../../openstack/networking/v2/networks/index.ts';
import * as subnets from '../../../../openstack/networking/v2/subnets/index.ts';
import type { BackendRecord, KindBackend, TenantScope } from '../../contract.ts';
import { createOnce, first } from '../shared/marker.ts';
import { LIST_PAGE, neutron } from '../shared/scope.ts';
import { type SubnetSpec, subnetCreateBody } from '../subnets/backend.ts';
import { checkSubnetBody, DEFAULT_CIDR } from '../subnets/schemas.ts';
import { networkRecord } from './fields.ts';

export interface NetworkSpec {
  name: string;
  description?: string;
  /** 68–9000; absent: the provider's `default_internal_network_mtu` (0 there: Neutron's default). */
  mtu?: number;
}
export interface NetworkPatch {
  name?: string;
  description?: string;
}

/** Creates the tenant's network once per marker (the tenant backend's first network uses this too). */
export async function createNetwork(
  scope: TenantScope,
  spec: NetworkSpec,
  marker: string,
): Promise<BackendRecord> {
  const net = await neutron(scope);
  const mtu = spec.mtu ?? (scope.provider.default_internal_network_mtu || undefined);
  const n = await createOnce(net, 'networks', {
    marker,
    fallback: spec.name ? { names: [spec.name] } : undefined,
    find: (f) => networks.list(net, { project_id: scope.projectId, ...f }),
    create: () =>
      networks.create(net, {
        project_id: scope.projectId,
        name: spec.name,
        description: spec.description ?? '',
        ...(mtu ? { mtu } : {}),
      }),
  });
  return networkRecord(n);
}

export const networksBackend: KindBackend<NetworkSpec, NetworkPatch> = {
  kind: 'networks',
  async list(scope) {
    const net = await neutron(scope);
    const all = await collect(networks.list(net, { project_id: scope.projectId, limit: LIST_PAGE }));
    return all.map(networkRecord);
  },
  async create(scope, spec, marker) {
    return { record: await createNetwork(scope, spec, marker) };
  },
  async update(scope, backendId, patch) {
    const net = await neutron(scope);
    return networkRecord(await networks.update(net, backendId, patch));
  },
  async delete(scope, backendId) {
    await networks.removeIfExists(await neutron(scope), backendId);
  },
  actions: {
    async set_mtu(scope, backendId, body) {
      const net = await neutron(scope);
      return networkRecord(await networks.update(net, backendId, { mtu: body.mtu as number }));
    },
    async create_subnet(scope, backendId, body) {
      checkSubnetBody(body);
      const net = await neutron(scope);
      const spec = { ...(body as Omit<SubnetSpec, 'network'>), network: backendId };
      const made = await first(subnets.list(net, { network_id: backendId, cidr: spec.cidr ?? DEFAULT_CIDR }));
      // no portal resource, so no marker: the CIDR (unique on a network) makes a retry find it
      if (!made) await subnets.create(net, subnetCreateBody(scope, spec));
      return undefined;
    },
  },
};
