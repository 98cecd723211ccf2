/**
 * The daemon's Neutron calls: find an attachment's port (by tag, or half-made by device_id, name and the
 * description written at create), create and tag it, and describe it as the plugin needs it (PortInfo:
 * every fixed IP with its subnet's prefix and gateway, host routes, DNS, MTU).
 *
 * @example
 *   const p = await findAttachment(net, rec);  // the port or undefined
 *   const info = await portInfo(net, cache, p, { hostMtu: 1500, overhead: 58 });
 */
import { readFile } from 'node:fs/promises';
import type { PortInfo, PortIp, PortRoute } from '../cni/protocol.ts';
import { NotFoundError } from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import { ATTACHMENT_MARK, DEVICE_OWNER, TAG_KEY } from './keys.ts';
import type { NeutronCache } from './network-facts.ts';

export { NeutronCache } from './network-facts.ts';

/** Ports of one attachment: tagged with its key, or half-made (untagged) with its name, device_id and mark. */
export async function findAttachmentPorts(
  net: ServiceClient,
  id: string,
  hint: { network_id: string; name?: string | undefined; device_id?: string | undefined },
): Promise<Port[]> {
  const found = new Map<string, Port>();
  for await (const p of ports.list(net, { tags: [`${TAG_KEY}${id}`], network_id: hint.network_id })) {
    found.set(p.id, p);
  }
  if (hint.device_id !== undefined) {
    for await (const p of ports.list(net, {
      network_id: hint.network_id,
      device_id: hint.device_id,
      device_owner: DEVICE_OWNER,
    })) {
      if (p.description === `${ATTACHMENT_MARK}${id}` && (hint.name === undefined || p.name === hint.name))
        found.set(p.id, p);
    }
  }
  return [...found.values()];
}

export async function getPort(net: ServiceClient, id: string): Promise<Port | undefined> {
  try {
    return await ports.get(net, id);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/** The MTU of the interface holding the default route (1500 when there is none). */
export async function hostMtu(): Promise<number> {
  try {
    const rows = (await readFile('/proc/net/route', 'utf8')).split('\n').slice(1);
    const dev = rows.map((r) => r.trim().split(/\s+/)).find((c) => c[1] === '00000000')?.[0];
    if (dev && /^[^/]+$/.test(dev)) {
      const n = Number((await readFile(`/sys/class/net/${dev}/mtu`, 'utf8')).trim());
      if (Number.isInteger(n) && n >= 68) return n;
    }
  } catch {
    // no procfs or sysfs (a test sandbox): the Ethernet default
  }
  return 1500;
}

export interface MtuRule {
  /** From the plugin config; wins. */
  override?: number | undefined;
  /** Host MTU minus this when Neutron gives none (geneve over IPv4: 58). */
  overhead: number;
}

export async function portInfo(
  cache: NeutronCache,
  port: Port,
  mtu: MtuRule,
  existing: boolean,
): Promise<PortInfo> {
  const ips: PortIp[] = [];
  const routes: PortRoute[] = [];
  const nameservers: string[] = [];
  for (const f of port.fixed_ips) {
    const s = await cache.subnet(f.subnet_id, port.network_id);
    const prefix = s.cidr.split('/')[1];
    const ip: PortIp = { address: `${f.ip_address}/${prefix}`, subnet_id: s.id, version: s.ip_version };
    if (s.gateway_ip) {
      ip.gateway = s.gateway_ip;
      const dst = s.ip_version === 4 ? '0.0.0.0/0' : '::/0';
      if (!routes.some((r) => r.dst === dst)) routes.push({ dst, gw: s.gateway_ip });
    }
    ips.push(ip);
    for (const r of s.host_routes) routes.push({ dst: r.destination, gw: r.nexthop });
    for (const d of s.dns_nameservers) if (!nameservers.includes(d)) nameservers.push(d);
  }
  let m = mtu.override ?? (await cache.networkMtu(port.network_id));
  if (!m) m = (await hostMtu()) - mtu.overhead;
  return {
    port_id: port.id,
    network_id: port.network_id,
    mac: port.mac_address,
    mtu: m,
    ips,
    routes,
    dns: { nameservers },
    ...(existing ? { existing: true } : {}),
  };
}
