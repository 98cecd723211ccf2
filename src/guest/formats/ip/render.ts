/**
 * Plain `ip` renderer: the static part of the config (plan.ts, which the live apply reads too) as
 * iproute2 commands, as data (`renderIpCommands`, `renderIpCommandsByNic`) and as
 * `/etc/osnet/ip-commands.sh`. Addresses and routes use `replace`, so running them twice is harmless;
 * `ip link add` (bonds, VLANs) is guarded in the script and must be skipped by callers when the device
 * exists (`isCreate`). DHCP, SLAAC and DNS are not `ip` matters: the script names them in comments and
 * leaves them to the system.
 *
 * @example
 *   renderIpCommands(cfg)[0]; // ['ip', 'link', 'set', 'dev', 'eth0', 'mtu', '1450']
 */
import type { NetworkConfig } from '../../model/types.ts';
import type { NicView } from '../nic.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';
import { createArgs, type IpNic, ipNics } from './plan.ts';

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

function createCommands(p: IpNic): IpCommand[] {
  if (!p.create) return [];
  const cmd = ['ip', ...createArgs(p.nic.name, p.create)];
  if (p.create.type !== 'bond') return [cmd];
  // Members are enslaved here, once the bond exists; the kernel wants them down while that happens.
  const enslave = p.nic.bondMembers.flatMap((m) => [
    ['ip', 'link', 'set', 'dev', m, 'down'],
    ['ip', 'link', 'set', 'dev', m, 'master', p.nic.name],
    ['ip', 'link', 'set', 'dev', m, 'up'],
  ]);
  return [cmd, ...enslave];
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

function l3Commands(p: IpNic): IpCommand[] {
  const { nic } = p;
  if (nic.bondMaster) return [];
  const out: IpCommand[] = [];
  for (const a of nic.addresses)
    out.push(['ip', `-${a.family}`, 'address', 'replace', a.cidr, 'dev', nic.name]);
  for (const { route: r, onlink } of p.routes) {
    const cmd = ['ip', `-${r.family}`, 'route', 'replace', r.to, 'via', r.via, 'dev', nic.name];
    if (r.metric !== undefined) cmd.push('metric', String(r.metric));
    if (onlink) cmd.push('onlink');
    out.push(cmd);
  }
  return out;
}

function nicCommands(p: IpNic): IpCommand[] {
  return [...createCommands(p), ...linkCommands(p.nic), ...l3Commands(p)];
}

/** Commands per NIC, in the working order of plan.ts (a device exists before anything names it). */
export function renderIpCommandsByNic(cfg: NetworkConfig): Map<string, IpCommand[]> {
  const out = new Map<string, IpCommand[]>();
  for (const p of ipNics(cfg)) out.set(p.nic.name, nicCommands(p));
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

function notes(p: IpNic): string[] {
  const { nic } = p;
  const out: string[] = [];
  if (nic.dhcp4) out.push(`# ${nic.name}: IPv4 by DHCP (not an ip command)`);
  if (nic.acceptRa) out.push(`# ${nic.name}: IPv6 by router advertisement${nic.dhcp6 ? ' and DHCPv6' : ''}`);
  if (nic.dns.length > 0) out.push(`# ${nic.name}: DNS ${nic.dns.join(' ')}`);
  for (const r of nic.bondMaster ? [] : p.deferred) {
    out.push(`# ${nic.name}: route ${r.to} via ${r.via} waits for a DHCP lease (set by the DHCP client)`);
  }
  return out;
}

/** Renders `/etc/osnet/ip-commands.sh`. */
export function renderIp(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const lines = ['#!/bin/sh', `# ${opts.header ?? DEFAULT_HEADER}`, 'set -e'];
  for (const p of ipNics(cfg)) {
    lines.push(...notes(p));
    for (const cmd of nicCommands(p)) {
      const text = cmd.map(shellQuote).join(' ');
      const dev = createdDevice(cmd);
      lines.push(dev ? `ip link show dev ${shellQuote(dev)} >/dev/null 2>&1 || ${text}` : text);
    }
  }
  return [{ path: '/etc/osnet/ip-commands.sh', content: `${lines.join('\n')}\n`, mode: 0o755 }];
}
