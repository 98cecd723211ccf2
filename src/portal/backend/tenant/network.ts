/**
 * The tenant's internal network and subnet (Waldur's `<slug>-int-net`, `<slug>-sub-net`, allocation pool
 * .10–.200 of a /24-style CIDR), found again by name inside the tenant's own project, so a step that
 * crashed after the create and before the tag makes nothing twice.
 *
 * @example
 *   const n = await ensureNetwork(net, { projectId, name: 'team-a-int-net', mtu: 1400, marker });
 *   const s = await ensureSubnet(net, { projectId, networkId: n.id, name: 'team-a-sub-net', cidr: '192.168.42.0/24' });
 */
import { OsnetError } from '../../../lib/errors.ts';
import type { ServiceClient } from '../../../openstack/client/service-client.ts';
import { networks, subnets, tags } from '../../../openstack/networking/v2/index.ts';
import type { Network } from '../../../openstack/networking/v2/networks/results.ts';
import type { Subnet } from '../../../openstack/networking/v2/subnets/results.ts';
import { first, markerTag } from './common.ts';

export async function ensureNetwork(
  net: ServiceClient,
  o: { projectId: string; name: string; description: string; mtu: number; marker: string },
): Promise<Network> {
  const have = await first(networks.list(net, { project_id: o.projectId, names: [o.name] }));
  if (have) return have;
  const made = await networks.create(net, {
    name: o.name,
    description: o.description,
    project_id: o.projectId,
    ...(o.mtu > 0 ? { mtu: o.mtu } : {}),
  });
  await tags.add(net, 'networks', made.id, markerTag(o.marker));
  return made;
}

/** Waldur's pool: hosts .10 to .200 of the subnet's first /24 (IPv4 only). */
export function allocationPool(cidr: string): { start: string; end: string } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m || Number(m[5]) > 24) return undefined;
  const p = `${m[1]}.${m[2]}.${m[3]}`;
  return { start: `${p}.10`, end: `${p}.200` };
}

export async function ensureSubnet(
  net: ServiceClient,
  o: {
    projectId: string;
    networkId: string;
    name: string;
    description: string;
    cidr: string;
    dns: readonly string[];
    marker: string;
  },
): Promise<Subnet> {
  const have = await first(subnets.list(net, { network_id: o.networkId, names: [o.name] }));
  if (have) return have;
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(o.cidr))
    throw new OsnetError('OSNET_ERR_VALIDATION', `body.subnet_cidr: not an IPv4 CIDR: ${o.cidr}`, {
      field: 'body.subnet_cidr',
    });
  const pool = allocationPool(o.cidr);
  const made = await subnets.create(net, {
    network_id: o.networkId,
    project_id: o.projectId,
    name: o.name,
    description: o.description,
    ip_version: 4,
    cidr: o.cidr,
    enable_dhcp: true,
    ...(pool ? { allocation_pools: [pool] } : {}),
    ...(o.dns.length > 0 ? { dns_nameservers: [...o.dns] } : {}),
  });
  await tags.add(net, 'subnets', made.id, markerTag(o.marker));
  return made;
}
