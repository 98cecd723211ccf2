/**
 * The kernel side of osnet-ovs: a veth pair whose host end goes on the OVS bridge and whose other end
 * becomes CNI_IFNAME in the pod's netns, with the Neutron MAC, MTU, addresses and routes; `ip` and
 * `ethtool` run inside the netns through nsenter (src/host/netns.ts). The host end's name is derived
 * from (container id, ifname), so DEL and CHECK find it without any state.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Exec } from '../../host/exec.ts';
import { inNetns, ipArgv } from '../../host/netns.ts';
import { cidrFamily } from '../fields.ts';
import type { CniIpConfig, CniRoute } from '../result.ts';

const exec = new Exec({ timeoutMs: 15_000 });

/** 15 bytes (IFNAMSIZ - 1): "osn" + 12 hex digits of sha256(container id / ifname). */
export function hostIfname(containerId: string, ifname: string): string {
  return `osn${createHash('sha256').update(`${containerId}/${ifname}`).digest('hex').slice(0, 12)}`;
}

function tempPeerName(host: string): string {
  return `osp${host.slice(3)}`;
}

export interface IpAddrLink {
  ifname: string;
  address?: string;
  mtu?: number;
  operstate?: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
  linkinfo?: { info_kind?: string };
}

export function netnsExists(netns: string | undefined): boolean {
  return netns !== undefined && netns !== '' && existsSync(netns);
}

/** `ip -d -j addr show dev NAME` in `netns` (host when undefined); undefined when there is no such link. */
export async function showLink(name: string, netns?: string): Promise<IpAddrLink | undefined> {
  try {
    const { stdout } = await exec.read(ipArgv(['-d', '-j', 'addr', 'show', 'dev', name], netns));
    return (JSON.parse(stdout.trim() || '[]') as IpAddrLink[])[0];
  } catch {
    return undefined;
  }
}

export interface VethPlan {
  host: string;
  ifname: string;
  netns: string;
  mac?: string;
  mtu?: number;
  txOff: boolean;
}

/** Creates the pair, moves the peer into the netns as `ifname`, sets MAC/MTU, brings both up. */
export async function createVeth(p: VethPlan): Promise<{ hostMac: string; podMac: string }> {
  const peer = tempPeerName(p.host);
  const mtu = p.mtu === undefined ? [] : ['mtu', String(p.mtu)];
  await exec.run(['ip', 'link', 'add', p.host, ...mtu, 'type', 'veth', 'peer', 'name', peer, ...mtu]);
  await exec.run(['ip', 'link', 'set', peer, 'netns', p.netns]);
  await exec.run(
    ipArgv(['link', 'set', 'dev', peer, 'name', p.ifname, ...(p.mac ? ['address', p.mac] : [])], p.netns),
  );
  await exec.run(ipArgv(['link', 'set', 'dev', p.ifname, 'up'], p.netns));
  await exec.run(['ip', 'link', 'set', 'dev', p.host, 'up']);
  if (p.txOff) {
    await exec.run(['ethtool', '-K', p.host, 'tx', 'off']);
    await exec.run(inNetns(['ethtool', '-K', p.ifname, 'tx', 'off'], p.netns));
  }
  const host = await showLink(p.host);
  const pod = await showLink(p.ifname, p.netns);
  return { hostMac: host?.address ?? '', podMac: pod?.address ?? '' };
}

/**
 * Addresses and routes as the reference plugins apply an IPAM result: a route without a gateway goes via
 * the first gateway of its family, IPv6 addresses skip DAD (Neutron already made them unique).
 */
export async function configureIps(
  ifname: string,
  netns: string,
  ips: CniIpConfig[],
  routes: CniRoute[],
): Promise<void> {
  for (const ip of ips) {
    const v6 = cidrFamily(ip.address) === 6;
    await exec.run(ipArgv(['addr', 'add', ip.address, 'dev', ifname, ...(v6 ? ['nodad'] : [])], netns));
  }
  const gw4 = ips.find((i) => cidrFamily(i.address) === 4 && i.gateway)?.gateway;
  const gw6 = ips.find((i) => cidrFamily(i.address) === 6 && i.gateway)?.gateway;
  for (const r of routes) {
    const v6 = cidrFamily(r.dst) === 6;
    const gw = r.gw ?? (v6 ? gw6 : gw4);
    const extra = r.mtu === undefined ? [] : ['mtu', String(r.mtu)];
    await exec.run(
      ipArgv(
        [v6 ? '-6' : '-4', 'route', 'add', r.dst, ...(gw ? ['via', gw] : []), 'dev', ifname, ...extra],
        netns,
      ),
    );
  }
}

/** Deletes a link (its veth peer goes with it); a missing one is not an error. */
export async function deleteLink(name: string, netns?: string): Promise<void> {
  if (netns !== undefined && !netnsExists(netns)) return;
  if ((await showLink(name, netns)) === undefined) return;
  await exec.run(ipArgv(['link', 'del', 'dev', name], netns));
}
