/**
 * `ip -j` (iproute2's JSON output) as typed reads. Every function takes an optional network namespace (a
 * name or a path, see netns.ts).
 *
 * @example
 *   const links = await listLinks('osnet-t1');
 *   const { mac, kind } = await linkInfo('eth1');
 */
import { Exec } from './exec.ts';
import { ipArgv } from './netns.ts';

const exec = new Exec({ timeoutMs: 10_000 });

/** The fields osnet reads of `ip -d -j link show`. */
export interface IpLink {
  ifname: string;
  ifindex?: number;
  address?: string;
  mtu?: number;
  operstate?: string;
  flags?: string[];
  link_type?: string;
  linkinfo?: { info_kind?: string };
}

/** `ip -j ARGS` parsed (iproute2 prints nothing, not `[]`, when there is nothing to list). */
export async function ipJson<T>(args: string[], netns?: string): Promise<T[]> {
  const { stdout } = await exec.read(ipArgv(['-j', ...args], netns));
  return JSON.parse(stdout.trim() || '[]') as T[];
}

/** Every link with its details (`-d`: the kernel kind is in linkinfo.info_kind). */
export function listLinks(netns?: string): Promise<IpLink[]> {
  return ipJson<IpLink>(['-d', 'link', 'show'], netns);
}

/** MAC (lower case) and kernel kind of a link (kind absent for a hardware or virtio NIC); empty if it is gone. */
export async function linkInfo(ifname: string, netns?: string): Promise<{ mac?: string; kind?: string }> {
  try {
    const [l] = await ipJson<IpLink>(['-d', 'link', 'show', 'dev', ifname], netns);
    return {
      ...(l?.address ? { mac: l.address.toLowerCase() } : {}),
      ...(l?.linkinfo?.info_kind ? { kind: l.linkinfo.info_kind } : {}),
    };
  } catch {
    return {};
  }
}
