/**
 * The daemon's port answer, checked before anything is built from it (a wrong answer would otherwise
 * reach ip(8) or OVS), and the two other ways a port's shape is needed: rebuilt from a prevResult when
 * CHECK finds no cache entry, and merged behind the results of plugins that ran before us in a chain.
 */
import { CNI_ERR, CniError } from './errors.ts';
import { cidrFamily, isIp, isObject, MAC } from './fields.ts';
import type { PortInfo } from './protocol.ts';
import type { CniResult } from './result.ts';

function bad(field: string, what: string): never {
  throw new CniError(CNI_ERR.DECODE, `daemon answer: ${field} ${what}`, { field: `daemon.${field}` });
}

export function validatePort(v: unknown): PortInfo {
  if (!isObject(v)) bad('answer', 'is not an object');
  const p = v as unknown as PortInfo;
  if (typeof p.port_id !== 'string' || !/^[0-9a-fA-F-]{36}$/.test(p.port_id)) bad('port_id', 'is not a UUID');
  if (typeof p.mac !== 'string' || !MAC.test(p.mac)) bad('mac', 'is not a MAC address');
  if (typeof p.mtu !== 'number' || !Number.isInteger(p.mtu) || p.mtu < 68 || p.mtu > 65535)
    bad('mtu', 'is not an MTU');
  if (!Array.isArray(p.ips) || p.ips.length === 0) bad('ips', 'is empty: the port has no fixed IP');
  p.ips.forEach((ip, i) => {
    if (!isObject(ip) || typeof ip.address !== 'string' || cidrFamily(ip.address) === 0)
      bad(`ips[${i}].address`, 'is not address/prefix');
    if (
      ip.gateway !== undefined &&
      ip.gateway !== null &&
      (typeof ip.gateway !== 'string' || !isIp(ip.gateway))
    )
      bad(`ips[${i}].gateway`, 'is not an IP address');
  });
  const routes = p.routes ?? [];
  if (!Array.isArray(routes)) bad('routes', 'is not a list');
  routes.forEach((r, i) => {
    if (!isObject(r) || typeof r.dst !== 'string' || cidrFamily(r.dst) === 0)
      bad(`routes[${i}].dst`, 'is not a CIDR');
    if (r.gw !== undefined && (typeof r.gw !== 'string' || !isIp(r.gw)))
      bad(`routes[${i}].gw`, 'is not an IP address');
  });
  const dns = isObject(p.dns) ? p.dns : { nameservers: [] };
  const nameservers = Array.isArray(dns.nameservers) ? dns.nameservers : [];
  nameservers.forEach((n, i) => {
    if (typeof n !== 'string' || !isIp(n)) bad(`dns.nameservers[${i}]`, 'is not an IP address');
  });
  return {
    ...p,
    mac: p.mac.toLowerCase(),
    routes,
    dns: {
      nameservers,
      ...(Array.isArray(dns.search) ? { search: dns.search.filter((s) => typeof s === 'string') } : {}),
      ...(typeof dns.domain === 'string' && dns.domain !== '' ? { domain: dns.domain } : {}),
    },
  };
}

/** A port as a prevResult describes it (CHECK without a cache entry); the MTU only 1.1.0 results carry. */
export function portFromResult(r: CniResult, portId: string, ifname: string, mtu?: number): PortInfo {
  const iface = r.interfaces?.find((i) => i.name === ifname && i.sandbox !== undefined);
  return {
    port_id: portId,
    network_id: '',
    mac: iface?.mac?.toLowerCase() ?? '',
    mtu: iface?.mtu ?? mtu ?? 1500,
    ips: (r.ips ?? []).map((ip) => ({
      address: ip.address,
      ...(ip.gateway ? { gateway: ip.gateway } : {}),
      subnet_id: '',
      version: cidrFamily(ip.address) === 6 ? 6 : 4,
    })),
    routes: (r.routes ?? []).map((rt) => ({ dst: rt.dst, ...(rt.gw ? { gw: rt.gw } : {}) })),
    dns: { nameservers: r.dns?.nameservers ?? [], ...(r.dns?.search ? { search: r.dns.search } : {}) },
  };
}

/** Our result behind a chain's earlier results: their interfaces first, our IP indexes shifted. */
export function mergePrevResult(prev: CniResult, ours: CniResult): CniResult {
  const shift = prev.interfaces?.length ?? 0;
  return {
    interfaces: [...(prev.interfaces ?? []), ...(ours.interfaces ?? [])],
    ips: [
      ...(prev.ips ?? []),
      ...(ours.ips ?? []).map((ip) =>
        ip.interface === undefined ? ip : { ...ip, interface: ip.interface + shift },
      ),
    ],
    routes: [...(prev.routes ?? []), ...(ours.routes ?? [])],
    ...((prev.dns ?? ours.dns) ? { dns: prev.dns ?? ours.dns } : {}),
  };
}
