/**
 * The OpenStack side of `/api/openstack-floating-ips/`: allocate from the provider's external network into
 * the tenant's project (idempotent by marker tag), release, and map to or unmap from a port.
 *
 * A floating IP has no name to find it by, so a crash between the allocation and its tag leaves one
 * untagged address; the next pull imports it as its own resource (nothing is hidden, nothing adopted twice).
 *
 * @example
 *   const { record } = await floatingIpsBackend.create(scope, {}, marker);
 *   await floatingIpsBackend.actions!.attach_to_port!(scope, record.backend_id, { port: portId });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { collect } from '../../../../openstack/client/pagination.ts';
import * as floatingIps from '../../../../openstack/networking/v2/floating-ips/index.ts';
import * as ports from '../../../../openstack/networking/v2/ports/index.ts';
import type { BackendRecord, KindBackend, TenantScope } from '../../contract.ts';
import { createOnce } from '../shared/marker.ts';
import { LIST_PAGE, neutron, requireOwn } from '../shared/scope.ts';
import { floatingIpRecord } from './fields.ts';

export interface FloatingIpSpec {
  description?: string;
}

/** Allocates the tenant's floating IP once per marker. */
export async function createFloatingIp(
  scope: TenantScope,
  spec: FloatingIpSpec,
  marker: string,
): Promise<BackendRecord> {
  const external = scope.provider.external_network_id;
  if (!external) {
    throw new OsnetError('OSNET_ERR_PORTAL_STATE', 'the provider has no external network for floating IPs', {
      field: 'external_network_id',
    });
  }
  const net = await neutron(scope);
  const f = await createOnce(net, 'floatingips', {
    marker,
    fallback: undefined,
    find: (q) => floatingIps.list(net, { project_id: scope.projectId, ...q }),
    create: () =>
      floatingIps.create(net, {
        floating_network_id: external,
        project_id: scope.projectId,
        description: spec.description ?? '',
      }),
  });
  return floatingIpRecord(f);
}

async function attach(scope: TenantScope, id: string, body: Record<string, unknown>): Promise<BackendRecord> {
  const net = await neutron(scope);
  requireOwn(scope, await ports.get(net, body.port as string), 'body.port');
  return floatingIpRecord(await floatingIps.associate(net, id, body.port as string));
}

async function detach(scope: TenantScope, id: string): Promise<BackendRecord> {
  const net = await neutron(scope);
  // unmapping an unmapped address is a no-op in Neutron: a retried job finds it done
  return floatingIpRecord(await floatingIps.disassociate(net, id));
}

export const floatingIpsBackend: KindBackend<FloatingIpSpec> = {
  kind: 'floating-ips',
  async list(scope) {
    const net = await neutron(scope);
    const all = await collect(floatingIps.list(net, { project_id: scope.projectId, limit: LIST_PAGE }));
    return all.map(floatingIpRecord);
  },
  async create(scope, spec, marker) {
    return { record: await createFloatingIp(scope, spec, marker) };
  },
  async delete(scope, backendId) {
    await floatingIps.removeIfExists(await neutron(scope), backendId);
  },
  actions: {
    attach_to_port: attach,
    assign: attach,
    detach_from_port: (scope, id) => detach(scope, id),
    unassign: (scope, id) => detach(scope, id),
  },
};
