/**
 * The live side of the `ip` format: runs `ip` (in a namespace if asked) and reads a NIC's state with
 * `ip -j` (MTU, up, master, static global addresses, `proto static` routes) in the canonical forms of
 * plan.ts, so the two compare as strings.
 *
 * @example
 *   const live = await new IpTool(new Exec(), 'osg-test').live('eth0'); // { name: 'eth0', up: true, ... }
 */
import type { Exec } from '../../../host/exec.ts';
import { parseIp } from '../../model/ip.ts';
import type { IpRoute } from './plan.ts';

/** `addr/prefix` with the address in canonical text, as plan.ts writes it. */
function canonCidr(addr: string, prefix: number, family: 4 | 6): string {
  return `${parseIp(addr, family)?.text ?? addr}/${prefix}`;
}

export interface NicLive {
  name: string;
  up: boolean;
  mtu: number;
  master?: string;
  addrs: string[];
  routes: IpRoute[];
}

interface JsonAddr {
  family: string;
  local: string;
  prefixlen: number;
  scope?: string;
  dynamic?: boolean;
}
interface JsonLink {
  ifname: string;
  flags?: string[];
  mtu: number;
  master?: string;
  addr_info?: JsonAddr[];
}
interface JsonRoute {
  dst: string;
  gateway?: string;
  metric?: number;
  flags?: string[];
}

export class IpTool {
  readonly exec: Exec;
  readonly netns: string | undefined;

  constructor(exec: Exec, netns?: string) {
    this.exec = exec;
    this.netns = netns;
  }

  argv(args: string[]): string[] {
    return this.netns ? ['ip', '-n', this.netns, ...args] : ['ip', ...args];
  }

  async json<T>(args: string[]): Promise<T> {
    const { stdout } = await this.exec.read(this.argv(['-j', ...args]));
    return JSON.parse(stdout || '[]') as T;
  }

  async run(args: string[]): Promise<void> {
    await this.exec.run(this.argv(args));
  }

  /** Names of every link present. */
  async linkNames(): Promise<Set<string>> {
    const links = await this.json<JsonLink[]>(['link', 'show']);
    return new Set(links.map((l) => l.ifname));
  }

  async live(name: string): Promise<NicLive | undefined> {
    let info: JsonLink[];
    try {
      info = await this.json<JsonLink[]>(['addr', 'show', 'dev', name]);
    } catch {
      return undefined;
    }
    const l = info[0];
    if (!l) return undefined;
    const addrs = (l.addr_info ?? [])
      .filter((a) => (a.scope === 'global' || a.scope === 'site') && !a.dynamic)
      .map((a) => canonCidr(a.local, a.prefixlen, a.family === 'inet6' ? 6 : 4));
    const routes: IpRoute[] = [];
    for (const family of [4, 6] as const) {
      const rs = await this.json<JsonRoute[]>([
        `-${family}`,
        'route',
        'show',
        'dev',
        name,
        'proto',
        'static',
      ]);
      for (const r of rs) {
        const dst =
          r.dst === 'default'
            ? family === 4
              ? '0.0.0.0/0'
              : '::/0'
            : r.dst.includes('/')
              ? r.dst
              : `${r.dst}/${family === 4 ? 32 : 128}`;
        const [a, p] = dst.split('/') as [string, string];
        const route: IpRoute = { to: canonCidr(a, Number(p), family), family, metric: r.metric ?? 0 };
        if (r.gateway) route.via = parseIp(r.gateway, family)?.text ?? r.gateway;
        if (r.flags?.includes('onlink')) route.onlink = true;
        routes.push(route);
      }
    }
    const live: NicLive = { name, up: (l.flags ?? []).includes('UP'), mtu: l.mtu, addrs, routes };
    if (l.master) live.master = l.master;
    return live;
  }
}
