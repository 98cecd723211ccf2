/**
 * The tenant's router: found again by name in the tenant's project, its gateway on the provider's external
 * network when one is configured and the order does not skip it, and the internal subnet attached once
 * (an interface port on the subnet is looked for first).
 *
 * @example
 *   const r = await ensureRouter(net, { projectId, name: 'team-a-router', subnetId, externalNetworkId, marker });
 */
import type { ServiceClient } from '../../../openstack/client/service-client.ts';
import { ports, routers, tags } from '../../../openstack/networking/v2/index.ts';
import type { Router } from '../../../openstack/networking/v2/routers/results.ts';
import { first, markerTag } from './common.ts';

export async function ensureRouter(
  net: ServiceClient,
  o: {
    projectId: string;
    name: string;
    description: string;
    subnetId: string;
    /** Empty: no gateway. */
    externalNetworkId: string;
    marker: string;
  },
): Promise<Router> {
  let router = await first(routers.list(net, { project_id: o.projectId, names: [o.name] }));
  if (!router) {
    router = await routers.create(net, {
      name: o.name,
      description: o.description,
      project_id: o.projectId,
      ...(o.externalNetworkId ? { external_gateway_info: { network_id: o.externalNetworkId } } : {}),
    });
    await tags.add(net, 'routers', router.id, markerTag(o.marker));
  } else if (o.externalNetworkId && router.external_gateway_info?.network_id !== o.externalNetworkId) {
    router = await routers.setGateway(net, router.id, { network_id: o.externalNetworkId });
  }
  const attached = await first(
    ports.list(net, {
      device_id: router.id,
      device_owner: 'network:router_interface',
      fixed_ips: [{ subnet_id: o.subnetId }],
    }),
  );
  if (!attached) await routers.addInterface(net, router.id, { subnet_id: o.subnetId });
  return router;
}
