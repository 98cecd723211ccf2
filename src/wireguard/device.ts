/**
 * A hub's WireGuard interface on the host. Created in the root namespace (its UDP socket binds there, on
 * the host's address) and then moved into the project's namespace. Where the kernel has WireGuard it is a
 * kernel link configured with `wg`; otherwise Debian's wireguard-go runs it in userspace and osnet speaks
 * UAPI on its socket. Reads go through `read` (not counted), every change through `Exec.run` or `uapiSet`
 * (counted), so a pass can prove it wrote nothing.
 *
 * @example
 *   const dev = new Devices();
 *   await dev.create('wg-0123abcd4567', 'tun-<project>');
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Exec } from '../host/exec.ts';
import { type IpLink, ipJson } from '../host/ip.ts';
import { addNetns, inNetns, ipArgv, listNetns } from '../host/netns.ts';
import { OsnetError } from '../lib/errors.ts';
import { keyToHex } from './keys.ts';
import { socketPath, type UapiDevice, type UapiPeer, uapiGet, uapiSet } from './uapi.ts';

export type Backend = 'kernel' | 'userspace';

/** One change of a peer: remove it, or add/update the fields given. */
export interface PeerChange {
  publicKey: string;
  remove?: boolean;
  /** Only update an existing peer (never create one by accident). */
  updateOnly?: boolean;
  presharedKey?: string | null;
  presharedKeyFile?: string | null;
  endpoint?: string;
  keepalive?: number;
  /** Replaces the peer's allowed IPs. */
  allowedIps?: string[];
}

export interface DeviceChange {
  privateKey?: string;
  privateKeyFile?: string;
  listenPort?: number;
  peers: PeerChange[];
}

export function isEmptyChange(c: DeviceChange): boolean {
  return c.privateKey === undefined && c.listenPort === undefined && c.peers.length === 0;
}

interface IpAddr {
  ifname: string;
  flags?: string[];
  addr_info?: { local: string; prefixlen: number; scope?: string }[];
}

export class Devices {
  readonly exec = new Exec({ timeoutMs: 30_000 });
  /** UAPI `set` transactions sent (each one write, whatever the number of peers). */
  uapiWrites = 0;
  private backend: Backend | undefined;

  constructor(backend?: Backend) {
    this.backend = backend;
  }

  /** Kernel or userspace, decided once: a probe link in the root namespace. */
  async whichBackend(): Promise<Backend> {
    if (this.backend) return this.backend;
    const probe = `wgprobe${process.pid % 100000}`;
    try {
      await this.exec.read(['ip', 'link', 'add', probe, 'type', 'wireguard']);
      await this.exec.read(['ip', 'link', 'del', probe]);
      this.backend = 'kernel';
    } catch {
      this.backend = 'userspace';
    }
    return this.backend;
  }

  async link(ifname: string, ns?: string): Promise<IpAddr | undefined> {
    try {
      const [l] = await ipJson<IpAddr>(['addr', 'show', 'dev', ifname], ns);
      return l;
    } catch {
      return undefined;
    }
  }

  /** Where the interface is now: its namespace (undefined: root), or absent. */
  async locate(ifname: string, namespaces: string[]): Promise<{ ns: string | undefined } | undefined> {
    for (const ns of namespaces) if ((await this.link(ifname, ns)) !== undefined) return { ns };
    if ((await this.link(ifname)) !== undefined) return { ns: undefined };
    return undefined;
  }

  async ensureNetns(ns: string): Promise<boolean> {
    if ((await listNetns()).includes(ns)) return false;
    await addNetns(ns);
    this.exec.history.push(['ip', 'netns', 'add', ns]);
    return true;
  }

  /** Creates the interface in the root namespace and moves it into `ns`. */
  async create(ifname: string, ns: string): Promise<void> {
    if ((await this.whichBackend()) === 'kernel') {
      await this.exec.run(['ip', 'link', 'add', ifname, 'type', 'wireguard']);
    } else {
      this.exec.history.push(['wireguard-go', ifname]);
      const child = spawn('wireguard-go', [ifname], { detached: true, stdio: 'ignore' });
      child.unref();
      const deadline = Date.now() + 10_000;
      while (!existsSync(socketPath(ifname))) {
        if (Date.now() > deadline)
          throw new OsnetError('OSNET_ERR_COMMAND', `wireguard-go ${ifname}: no UAPI socket after 10 s`);
        await sleep(25);
      }
      // The socket is made by a parent process that then hands the device to a daemon child; once the
      // child answers UAPI it holds the device, and only then may the interface leave this namespace
      // (a pass once lost a fresh interface right after moving it).
      await uapiGet(ifname);
    }
    await this.exec.run(['ip', 'link', 'set', 'dev', ifname, 'netns', ns]);
  }

  async moveTo(ifname: string, from: string | undefined, to: string | undefined): Promise<void> {
    await this.exec.run(ipArgv(['link', 'set', 'dev', ifname, 'netns', to ?? '1'], from));
  }

  async remove(ifname: string, ns: string | undefined): Promise<void> {
    await this.exec.run(ipArgv(['link', 'del', 'dev', ifname], ns));
  }

  /** Addresses to add and remove so the link carries exactly `want` (prefixes), and whether it needs up. */
  async addressPlan(
    ifname: string,
    ns: string,
    want: string[],
  ): Promise<{ add: string[]; del: string[]; up: boolean }> {
    const l = await this.link(ifname, ns);
    const have = (l?.addr_info ?? [])
      .filter((a) => a.scope !== 'link')
      .map((a) => `${a.local}/${a.prefixlen}`);
    return {
      add: want.filter((w) => !have.includes(w)),
      del: have.filter((h) => !want.includes(h)),
      up: !(l?.flags ?? []).includes('UP'),
    };
  }

  async applyAddresses(
    ifname: string,
    ns: string,
    plan: { add: string[]; del: string[]; up: boolean },
  ): Promise<void> {
    for (const a of plan.del) await this.exec.run(ipArgv(['addr', 'del', a, 'dev', ifname], ns));
    // nodad: the hub's address is its own on a point-to-point tunnel; DAD would hold v6 tentative
    for (const a of plan.add)
      await this.exec.run(
        ipArgv(['addr', 'add', a, 'dev', ifname, ...(a.includes(':') ? ['nodad'] : [])], ns),
      );
    if (plan.up) await this.exec.run(ipArgv(['link', 'set', 'dev', ifname, 'up'], ns));
  }

  /** The device's WireGuard configuration and peer counters. */
  async get(ifname: string, ns: string): Promise<UapiDevice> {
    if ((await this.whichBackend()) === 'userspace') return uapiGet(ifname);
    const { stdout } = await this.exec.read(inNetns(['wg', 'show', ifname, 'dump'], ns));
    const [head, ...rest] = stdout.trim().split('\n');
    const [priv, , port] = (head ?? '').split('\t');
    const peers = new Map<string, UapiPeer>();
    for (const line of rest) {
      const [pub, psk, ep, ips, hs, rx, tx, ka] = line.split('\t');
      peers.set(pub!, {
        publicKey: pub!,
        ...(psk && psk !== '(none)' ? { presharedKey: psk } : {}),
        ...(ep && ep !== '(none)' ? { endpoint: ep } : {}),
        allowedIps: ips && ips !== '(none)' ? ips.split(',') : [],
        lastHandshakeSec: Number(hs),
        rxBytes: Number(rx),
        txBytes: Number(tx),
        keepalive: ka === 'off' ? 0 : Number(ka),
      });
    }
    return { ...(priv && priv !== '(none)' ? { privateKey: priv } : {}), listenPort: Number(port), peers };
  }

  /** One transaction with every change: a UAPI set, or one `wg set` for a kernel link. */
  async set(ifname: string, ns: string, c: DeviceChange): Promise<void> {
    if (isEmptyChange(c)) return;
    if ((await this.whichBackend()) === 'userspace') {
      this.uapiWrites++;
      await uapiSet(ifname, uapiLines(c));
      return;
    }
    const argv = ['wg', 'set', ifname];
    if (c.listenPort !== undefined) argv.push('listen-port', String(c.listenPort));
    if (c.privateKey !== undefined) argv.push('private-key', c.privateKeyFile!);
    for (const p of c.peers) {
      argv.push('peer', p.publicKey);
      if (p.remove) {
        argv.push('remove');
        continue;
      }
      if (p.presharedKey !== undefined) argv.push('preshared-key', p.presharedKeyFile ?? '/dev/null');
      if (p.endpoint !== undefined) argv.push('endpoint', p.endpoint);
      if (p.keepalive !== undefined)
        argv.push('persistent-keepalive', p.keepalive ? String(p.keepalive) : 'off');
      if (p.allowedIps !== undefined) argv.push('allowed-ips', p.allowedIps.join(','));
    }
    await this.exec.run(inNetns(argv, ns));
  }
}

/** A change as UAPI `set` lines (keys in hex). */
export function uapiLines(c: DeviceChange): string[] {
  const out: string[] = [];
  if (c.privateKey !== undefined) out.push(`private_key=${keyToHex(c.privateKey)}`);
  if (c.listenPort !== undefined) out.push(`listen_port=${c.listenPort}`);
  for (const p of c.peers) {
    out.push(`public_key=${keyToHex(p.publicKey)}`);
    if (p.remove) {
      out.push('remove=true');
      continue;
    }
    if (p.updateOnly) out.push('update_only=true');
    if (p.presharedKey !== undefined)
      out.push(`preshared_key=${p.presharedKey ? keyToHex(p.presharedKey) : '0'.repeat(64)}`);
    if (p.endpoint !== undefined) out.push(`endpoint=${p.endpoint}`);
    if (p.keepalive !== undefined) out.push(`persistent_keepalive_interval=${p.keepalive}`);
    if (p.allowedIps !== undefined) {
      out.push('replace_allowed_ips=true');
      for (const a of p.allowedIps) out.push(`allowed_ip=${a}`);
    }
  }
  return out;
}

export type { IpLink };
