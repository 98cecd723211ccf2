/**
 * The OpenStack side of `/api/openstack-subnets/`: create under a network (idempotent by marker, then by
 * CIDR: Neutron allows one subnet per CIDR on a network), PATCH, delete, and `connect` / `disconnect` to the
 * tenant's router, found with one list of the project's routers.
 *
 * @example
 *   const { record } = await subnetsBackend.create(scope, { network: netId, cidr: '10.0.0.0/24' }, marker);
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { BadRequestError, NotFoundError } from '../../../../openstack/client/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
import * as networks from '../../../../openstack/networking/v2/networks/index.ts';
import * as ports from '../../../../openstack/networking/v2/ports/index.ts';
import * as routers from '../../../../openstack/networking/v2/routers/index.ts';
import * as subnets from '../../../../openstack/networking/v2/subnets/index.ts';
import type { BackendRecord, KindBackend, TenantScope } from '../../contract.ts';
import { createOnce, first } from '../shared/marker.ts';
import { LIST_PAGE, neutron, requireOwn } from '../shared/scope.ts';
import { subnetRecord } from './fields.ts';
import { checkSubnetBody, checkSubnetPatch, DEFAULT_CIDR } from './schemas.ts';

export interface SubnetSpec {
  /** Backend id of the network. */
  network: string;
  name?: string;
  description?: string;
  cidr?: string;
  ip_version?: 4 | 6;
  gateway_ip?: string | null;
  disable_gateway?: boolean;
  allocation_pools?: { start: string; end: string }[];
  dns_nameservers?: string[];
  host_routes?: { destination: string; nexthop: string }[];
  enable_dhcp?: boolean;
}
export type SubnetPatch = Omit<SubnetSpec, 'network' | 'cidr' | 'ip_version' | 'enable_dhcp'>;

function gateway(body: SubnetPatch): { gateway_ip?: string | null } {
  if (body.disable_gateway === true) return { gateway_ip: null };
  return body.gateway_ip === undefined ? {} : { gateway_ip: body.gateway_ip };
}

/** The Neutron create body of a subnet of the tenant. */
export function subnetCreateBody(scope: TenantScope, spec: SubnetSpec): subnets.CreateSubnetOpts {
  return {
    project_id: scope.projectId,
    network_id: spec.network,
    ip_version: spec.ip_version ?? 4,
    cidr: spec.cidr ?? DEFAULT_CIDR,
    name: spec.name ?? '',
    description: spec.description ?? '',
    ...gateway(spec),
    ...(spec.allocation_pools ? { allocation_pools: spec.allocation_pools } : {}),
    ...(spec.dns_nameservers ? { dns_nameservers: spec.dns_nameservers } : {}),
    ...(spec.host_routes ? { host_routes: spec.host_routes } : {}),
    ...(spec.enable_dhcp === undefined ? {} : { enable_dhcp: spec.enable_dhcp }),
  };
}

/** Creates the subnet once per marker (the tenant backend's first subnet uses this too). */
export async function createSubnet(
  scope: TenantScope,
  spec: SubnetSpec,
  marker: string,
): Promise<BackendRecord> {
  checkSubnetBody(spec as unknown as Record<string, unknown>);
  const net = await neutron(scope);
  requireOwn(scope, await networks.get(net, spec.network), 'body.network');
  const body = subnetCreateBody(scope, spec);
  const s = await createOnce(net, 'subnets', {
    marker,
    fallback: { cidr: body.cidr },
    find: (f) => subnets.list(net, { project_id: scope.projectId, network_id: spec.network, ...f }),
    create: () => subnets.create(net, body),
  });
  return current(net, s);
}

const INTERFACE_OWNER = 'network:router_interface';

/** Whether a router has an interface on the subnet (one call). */
async function connected(net: ServiceClient, subnetId: string): Promise<boolean> {
  const found = ports.list(net, {
    device_owner: INTERFACE_OWNER,
    fixed_ips: [{ subnet_id: subnetId }],
    fields: ['id'],
  });
  return (await first(found)) !== undefined;
}

/** The subnet as it is now, with `is_connected`. */
async function current(net: ServiceClient, s: subnets.Subnet): Promise<BackendRecord> {
  return subnetRecord(s, await connected(net, s.id));
}

/** The project's routers, oldest first (the tenant's own router is the one its order made first). */
export async function tenantRouters(net: ServiceClient, projectId: string): Promise<routers.Router[]> {
  const all = await collect(routers.list(net, { project_id: projectId, limit: LIST_PAGE }));
  return all.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/** Attaches the subnet to the tenant's router; a subnet already attached is done. */
export async function connectSubnet(scope: TenantScope, subnetId: string): Promise<void> {
  const net = await neutron(scope);
  const [router] = await tenantRouters(net, scope.projectId);
  if (!router) {
    throw new OsnetError('OSNET_ERR_PORTAL_STATE', 'connect: the tenant has no router', { field: 'router' });
  }
  try {
    await routers.addInterface(net, router.id, { subnet_id: subnetId });
  } catch (e) {
    if (!(e instanceof BadRequestError && /already has a port/i.test(e.serviceMessage ?? ''))) throw e;
  }
}

/** Detaches the subnet from whichever of the tenant's routers has it; not attached is done. */
export async function disconnectSubnet(scope: TenantScope, subnetId: string): Promise<void> {
  const net = await neutron(scope);
  for (const router of await tenantRouters(net, scope.projectId)) {
    try {
      await routers.removeInterface(net, router.id, { subnet_id: subnetId });
      return;
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
}

export const subnetsBackend: KindBackend<SubnetSpec, SubnetPatch> = {
  kind: 'subnets',
  async list(scope) {
    const net = await neutron(scope);
    const q = { project_id: scope.projectId, limit: LIST_PAGE };
    // one more call for the whole tenant gives every subnet's is_connected (never one per subnet)
    const [all, interfaces] = await Promise.all([
      collect(subnets.list(net, q)),
      collect(ports.list(net, { ...q, device_owner: INTERFACE_OWNER, fields: ['fixed_ips'] })),
    ]);
    const attached = new Set(interfaces.flatMap((p) => p.fixed_ips.map((f) => f.subnet_id)));
    return all.map((s) => subnetRecord(s, attached.has(s.id)));
  },
  async create(scope, spec, marker) {
    return { record: await createSubnet(scope, spec, marker) };
  },
  async update(scope, backendId, patch) {
    const net = await neutron(scope);
    const before = await subnets.get(net, backendId);
    checkSubnetPatch(patch as unknown as Record<string, unknown>, before);
    const { disable_gateway: _d, gateway_ip: _g, ...rest } = patch;
    return current(net, await subnets.update(net, backendId, { ...rest, ...gateway(patch) }));
  },
  async delete(scope, backendId) {
    await subnets.removeIfExists(await neutron(scope), backendId);
  },
  actions: {
    async connect(scope, backendId) {
      await connectSubnet(scope, backendId);
      const net = await neutron(scope);
      return current(net, await subnets.get(net, backendId));
    },
    async disconnect(scope, backendId) {
      await disconnectSubnet(scope, backendId);
      const net = await neutron(scope);
      return current(net, await subnets.get(net, backendId));
    },
  },
};
