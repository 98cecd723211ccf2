/**
 * Plain `ip` renderer: the static part of the config as iproute2 commands, as data (`renderIpCommands`,
 * `renderIpCommandsByNic`, used by apply) and as `/etc/osnet/ip-commands.sh`. Addresses and routes use
 * `replace`, so running them twice is harmless; `ip link add` (bonds, VLANs) is guarded in the script and
 * must be skipped by callers when the device exists (`isCreate`). DHCP, SLAAC and DNS are not `ip`
 * matters: the script names them in comments and leaves them to the system.
 *
 * @example
 *   renderIpCommands(cfg)[0]; // ['ip', 'link', 'set', 'dev', 'eth0', 'mtu', '1450']
 */
import type { NetworkConfig, Route } from '../../model/types.ts';
import { type NicView, needsOnLink, nicViews } from '../nic.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';

export type IpCommand = string[];

/** True for commands that create a device (`ip link add ...`); not idempotent, skip if it exists. */
export function isCreate(cmd: IpCommand): boolean {
  return cmd[1] === 'link' && cmd[2] === 'add';
}

/** The device a create command makes (bond name, or the VLAN's `name`). */
export function createdDevice(cmd: IpCommand): string | undefined {
  if (!isCreate(cmd)) return undefined;
  const i = cmd.indexOf('name');
  return i >= 0 ? cmd[i + 1] : cmd[3];
}

function createCommands(nic: NicView): IpCommand[] {
  const { link } = nic;
  if (link.kind === 'bond') {
    const cmd = ['ip', 'link', 'add', nic.name, 'type', 'bond', 'mode', link.mode];
    if (link.miimon !== undefined) cmd.push('miimon', String(link.miimon));
    if (link.hashPolicy !== undefined) cmd.push('xmit_hash_policy', link.hashPolicy);
    // Members are enslaved here, once the bond exists; the kernel wants them down while that happens.
    const enslave = nic.bondMembers.flatMap((m) => [
      ['ip', 'link', 'set', 'dev', m, 'down'],
      ['ip', 'link', 'set', 'dev', m, 'master', nic.name],
      ['ip', 'link', 'set', 'dev', m, 'up'],
    ]);
    return [cmd, ...enslave];
  }
  if (link.kind === 'vlan' && nic.vlanParent) {
    return [
      [
        'ip',
        'link',
        'add',
        'link',
        nic.vlanParent,
        'name',
        nic.name,
        'type',
        'vlan',
        'id',
        String(link.vlanId),
      ],
    ];
  }
  return [];
}

function linkCommands(nic: NicView): IpCommand[] {
  const { link } = nic;
  const out: IpCommand[] = [];
  const dev = ['ip', 'link', 'set', 'dev', nic.name];
  if (link.kind !== 'physical' && link.mac) out.push([...dev, 'address', link.mac]);
  if (link.mtu !== undefined) out.push([...dev, 'mtu', String(link.mtu)]);
  if (!nic.bondMaster) out.push([...dev, 'up']);
  return out;
}

/**
 * Whether `ip` can add this route now. The kernel refuses a gateway (even on-link) on a NIC without an
 * address of that family, so routes of a DHCP-only family wait for the lease: the DHCP client or the
 * system renderer sets them. IPv6 link-local gateways always work.
 */
export function routableNow(r: Route, nic: NicView): boolean {
  if (nic.addresses.some((a) => a.family === r.family)) return true;
  return r.family === 6 && r.via.startsWith('fe80:');
}

function l3Commands(nic: NicView): IpCommand[] {
  if (nic.bondMaster) return [];
  const out: IpCommand[] = [];
  for (const a of nic.addresses)
    out.push(['ip', `-${a.family}`, 'address', 'replace', a.cidr, 'dev', nic.name]);
  for (const r of nic.routes.filter((x) => routableNow(x, nic))) {
    const cmd = ['ip', `-${r.family}`, 'route', 'replace', r.to, 'via', r.via, 'dev', nic.name];
    if (r.metric !== undefined) cmd.push('metric', String(r.metric));
    if (needsOnLink(r, nic)) cmd.push('onlink');
    out.push(cmd);
  }
  return out;
}

/**
 * Commands per NIC, in an order that works from scratch: every NIC's link commands come after the
 * devices it depends on exist (physical NICs, then bonds, then VLANs).
 */
export function renderIpCommandsByNic(cfg: NetworkConfig): Map<string, IpCommand[]> {
  const nics = nicViews(cfg);
  const rank = { physical: 0, bond: 1, vlan: 2 } as const;
  const ordered = [...nics].sort((a, b) => rank[a.link.kind] - rank[b.link.kind]);
  const out = new Map<string, IpCommand[]>();
  for (const nic of ordered)
    out.set(nic.name, [...createCommands(nic), ...linkCommands(nic), ...l3Commands(nic)]);
  return out;
}

/** Every command, in a working order. */
export function renderIpCommands(cfg: NetworkConfig): IpCommand[] {
  return [...renderIpCommandsByNic(cfg).values()].flat();
}

/** POSIX shell quoting for one word. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_.:/@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function notes(nic: NicView): string[] {
  const out: string[] = [];
  if (nic.dhcp4) out.push(`# ${nic.name}: IPv4 by DHCP (not an ip command)`);
  if (nic.acceptRa) out.push(`# ${nic.name}: IPv6 by router advertisement${nic.dhcp6 ? ' and DHCPv6' : ''}`);
  if (nic.dns.length > 0) out.push(`# ${nic.name}: DNS ${nic.dns.join(' ')}`);
  for (const r of nic.bondMaster ? [] : nic.routes.filter((x) => !routableNow(x, nic))) {
    out.push(`# ${nic.name}: route ${r.to} via ${r.via} waits for a DHCP lease (set by the DHCP client)`);
  }
  return out;
}

/** Renders `/etc/osnet/ip-commands.sh`. */
export function renderIp(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const lines = ['#!/bin/sh', `# ${opts.header ?? DEFAULT_HEADER}`, 'set -e'];
  const views = new Map(nicViews(cfg).map((n) => [n.name, n]));
  for (const [name, cmds] of renderIpCommandsByNic(cfg)) {
    const nic = views.get(name);
    if (nic) lines.push(...notes(nic));
    for (const cmd of cmds) {
      const text = cmd.map(shellQuote).join(' ');
      const dev = createdDevice(cmd);
      lines.push(dev ? `ip link show dev ${shellQuote(dev)} >/dev/null 2>&1 || ${text}` : text);
    }
  }
  return [{ path: '/etc/osnet/ip-commands.sh', content: `${lines.join('\n')}\n`, mode: 0o755 }];
}
