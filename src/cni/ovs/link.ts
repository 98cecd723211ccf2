/**
 * The kernel side of osnet-ovs: a veth pair whose host end goes on the OVS bridge and whose other end
 * becomes CNI_IFNAME in the pod's netns, with the Neutron MAC, MTU, addresses and routes. The host end's
 * name is derived from (container id, ifname), so DEL and CHECK find it without any state.
 *
 * Every process is a large share of a warm ADD, so the pod side is one `ip -batch -` run in the netns: the
 * pair is made there with the pod end up and the host end created straight into this process's netns,
 * then the addresses and routes. The host end goes up through sysfs and its MAC is read there; ethtool
 * (one exec per end) runs only when TX offload is to be turned off.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Exec } from '../../host/exec.ts';
import { inNetns, ipArgv } from '../../host/netns.ts';
import { sha256Hex } from '../../lib/sha256.ts';
import { CNI_ERR, CniError } from '../errors.ts';
import { cidrFamily } from '../fields.ts';
import type { CniIpConfig, CniRoute } from '../result.ts';

const exec = new Exec({ timeoutMs: 15_000 });

/** 15 bytes (IFNAMSIZ - 1): "osn" + 12 hex digits of sha256(container id / ifname). */
export function hostIfname(containerId: string, ifname: string): string {
  return `osn${sha256Hex(`${containerId}/${ifname}`).slice(0, 12)}`;
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

/** A random unicast, locally administered MAC, as the kernel gives a veth without one. */
function randomMac(): string {
  // node:crypto only here (a MAC not given: never on the thin plugin's path, which passes Neutron's)
  const b = process.getBuiltinModule('node:crypto').randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Words `ip -batch` reads back as they are: no quote at the start, no `#` (a comment), no whitespace. */
const BATCH_WORD = /^[^\s#"'][^\s#]*$/;

/**
 * Runs `ip` command lines in `netns`: one `ip -batch -` when every word survives the batch reader, else one
 * `ip` per line. A failure names the line that failed (`line`, from 0).
 */
async function ipLines(lines: string[][], netns?: string): Promise<void> {
  if (lines.every((l) => l.every((w) => BATCH_WORD.test(w)))) {
    try {
      await exec.run(ipArgv(['-batch', '-'], netns), {
        input: `${lines.map((l) => l.join(' ')).join('\n')}\n`,
      });
    } catch (err) {
      const m = /Command failed -:(\d+)/.exec((err as Error).message);
      throw Object.assign(err as Error, { line: m ? Number(m[1]) - 1 : undefined });
    }
    return;
  }
  for (const [i, l] of lines.entries()) {
    await exec.run(ipArgv(l, netns)).catch((err: unknown) => {
      throw Object.assign(err as Error, { line: i });
    });
  }
}

/**
 * Addresses and routes as the reference plugins apply an IPAM result: a route without a gateway goes via
 * the first gateway of its family, IPv6 addresses skip DAD (Neutron already made them unique). The family
 * of a route follows from its destination, which is always in CIDR form.
 */
function addressLines(ifname: string, ips: CniIpConfig[], routes: CniRoute[]): string[][] {
  const lines: string[][] = [];
  for (const ip of ips) {
    const v6 = cidrFamily(ip.address) === 6;
    lines.push(['addr', 'add', ip.address, 'dev', ifname, ...(v6 ? ['nodad'] : [])]);
  }
  const gw4 = ips.find((i) => cidrFamily(i.address) === 4 && i.gateway)?.gateway;
  const gw6 = ips.find((i) => cidrFamily(i.address) === 6 && i.gateway)?.gateway;
  for (const r of routes) {
    const gw = r.gw ?? (cidrFamily(r.dst) === 6 ? gw6 : gw4);
    const extra = r.mtu === undefined ? [] : ['mtu', String(r.mtu)];
    lines.push(['route', 'add', r.dst, ...(gw ? ['via', gw] : []), 'dev', ifname, ...extra]);
  }
  return lines;
}

export interface VethPlan {
  host: string;
  ifname: string;
  netns: string;
  mac?: string;
  mtu?: number;
  txOff: boolean;
  ips: CniIpConfig[];
  routes: CniRoute[];
}

const IFF_UP = 0x1;

/** Sets a host-side link up through sysfs (no process), or with `ip` where sysfs is not this netns'. */
async function hostLinkUp(name: string): Promise<void> {
  try {
    const flags = Number(readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim());
    writeFileSync(`/sys/class/net/${name}/flags`, `0x${(flags | IFF_UP).toString(16)}`);
  } catch {
    await exec.run(['ip', 'link', 'set', 'dev', name, 'up']);
  }
}

async function hostLinkMac(name: string): Promise<string> {
  try {
    return readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
  } catch {
    return (await showLink(name))?.address ?? '';
  }
}

/**
 * Makes the pair with the pod end in the netns, up, with MAC, MTU, addresses and routes. A host end left
 * by an earlier attempt is removed and the pair made again; a pod interface that already has the name is
 * an error and stays as it was. On any other failure the host end is deleted (its pod end goes with it):
 * nothing is left half-made. Resolves to the pod end's MAC (given, or chosen here).
 */
export async function makeVeth(p: VethPlan): Promise<string> {
  const podMac = p.mac ?? randomMac();
  const mtu = p.mtu === undefined ? [] : ['mtu', String(p.mtu)];
  const peer = ['peer', 'name', p.host, ...mtu, 'netns', `/proc/${process.pid}/ns/net`];
  const make = ['link', 'add', p.ifname, 'address', podMac, ...mtu, 'up', 'type', 'veth', ...peer];
  const lines = [make, ...addressLines(p.ifname, p.ips, p.routes)];
  try {
    await ipLines(lines, p.netns);
  } catch (err) {
    if ((err as { line?: number }).line !== 0 || !/File exists/.test((err as Error).message)) {
      await deleteLink(p.host).catch(() => undefined);
      throw err;
    }
    if (await showLink(p.ifname, p.netns)) {
      throw new CniError(CNI_ERR.INTERNAL, `${p.ifname} already exists in ${p.netns}`, {
        field: 'CNI_IFNAME',
      });
    }
    // the host end of an earlier, failed attempt: start clean
    await deleteLink(p.host);
    try {
      await ipLines(lines, p.netns);
    } catch (again) {
      await deleteLink(p.host).catch(() => undefined);
      throw again;
    }
  }
  return podMac;
}

/**
 * The host end up and, where asked, TX offload off on both ends; resolves to the host end's MAC. Its
 * caller deletes the host end when this fails (it runs beside the OVS port's creation).
 */
export async function finishVeth(p: VethPlan): Promise<string> {
  await Promise.all([
    hostLinkUp(p.host),
    ...(p.txOff
      ? [
          exec.run(['ethtool', '-K', p.host, 'tx', 'off']),
          exec.run(inNetns(['ethtool', '-K', p.ifname, 'tx', 'off'], p.netns)),
        ]
      : []),
  ]);
  return hostLinkMac(p.host);
}

/**
 * Deletes a link (its veth peer goes with it); a missing one, or a missing netns, is not an error.
 * Resolves to whether there was one to delete.
 */
export async function deleteLink(name: string, netns?: string): Promise<boolean> {
  if (netns !== undefined && !netnsExists(netns)) return false;
  try {
    await exec.run(ipArgv(['link', 'del', 'dev', name], netns));
    return true;
  } catch (err) {
    if (/Cannot find device|does not exist/.test((err as Error).message)) return false;
    throw err;
  }
}
