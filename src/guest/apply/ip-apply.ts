/**
 * The `ip` format applied directly: reads each NIC's live state with `ip -j`, computes the commands that
 * bring it to the requested state (MTU, up, addresses, static routes), runs only those, and on any
 * failure puts every NIC it touched back to the state it read before. What was applied is kept in a state
 * file so a later run can remove the addresses and routes of a NIC that left the metadata.
 *
 * Routes are added with `proto static` and only `proto static` routes are ever removed, so kernel,
 * DHCP and RA routes are left alone; dynamic (DHCP/SLAAC) addresses are never removed either.
 *
 * @example
 *   const report = await applyIp(named, { netns: 'osg-test', stateFile: '/var/lib/osnet-guest/ip-state.json' });
 *   report.touched; // ['eth1']
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Exec } from '../../host/exec.ts';
import { OsnetError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log.ts';
import { parseIp, prefixMask } from '../model/ip.ts';
import type { Link, NetworkConfig } from '../model/types.ts';

export interface IpRoute {
  /** CIDR destination, canonical. */
  to: string;
  via?: string;
  family: 4 | 6;
  /** Kernel metric (IPv4 default 0, IPv6 default 1024 when not given). */
  metric: number;
  onlink?: boolean;
}

/** What one NIC should look like. */
export interface NicTarget {
  name: string;
  mtu?: number;
  /** Static addresses, canonical `addr/prefix`. */
  addrs: string[];
  routes: IpRoute[];
  /** The NIC wants DHCP or RA: its dynamic addresses and routes come from elsewhere. */
  dynamic: boolean;
  /** Routes that need an address of their family first (DHCP-only families); not applied by ip. */
  deferred: IpRoute[];
  /** Virtual links to create when missing. */
  create?:
    | { type: 'vlan'; parent: string; vlanId: number }
    | { type: 'bond'; mode: string; miimon?: number; hashPolicy?: string };
  /** Bond this NIC is enslaved to. */
  master?: string;
}

export interface NicLive {
  name: string;
  up: boolean;
  mtu: number;
  master?: string;
  addrs: string[];
  routes: IpRoute[];
}

interface State {
  nics: Record<string, NicTarget>;
  /** Virtual links osnet-guest created (deleted again when they leave the config). */
  created: string[];
}

export interface IpApplyOptions {
  /** Run every `ip` command in this network namespace (`ip -n NS`). */
  netns?: string;
  /** Where the last applied targets are kept. */
  stateFile: string;
  exec?: Exec;
  log?: Logger;
}

export interface ApplyReport {
  /** NICs whose state was changed. */
  touched: string[];
  /** Commands run (argv), in order. */
  commands: string[][];
  /** NICs requested but absent from the system, skipped. */
  missing: string[];
}

function canonCidr(addr: string, prefix: number, family: 4 | 6): string {
  return `${parseIp(addr, family)?.text ?? addr}/${prefix}`;
}

function routeKey(r: IpRoute): string {
  return `${r.to} ${r.via ?? '-'} ${r.metric}`;
}

/** True when `via` lies inside one of the static subnets (otherwise the route must be on-link). */
function reachable(via: string, family: 4 | 6, addrs: string[]): boolean {
  const gw = parseIp(via, family);
  if (!gw) return true;
  if (family === 6 && gw.value >> 118n === 0x3fan) return true; // fe80::/10 is on every link
  return addrs.some((a) => {
    const [ip, len] = a.split('/') as [string, string];
    const net = parseIp(ip, family);
    if (!net) return false;
    const mask = prefixMask(Number(len), family);
    return (net.value & mask) === (gw.value & mask);
  });
}

/** The per-NIC targets of a named config (resolveNames must have run). */
export function targetsFromConfig(cfg: NetworkConfig): Map<string, NicTarget> {
  const byId = new Map(cfg.links.map((l) => [l.id, l]));
  const nameOf = (l: Link): string => {
    if (!l.name) throw new OsnetError('OSNET_ERR_INTERNAL', `link ${l.id} has no name: resolveNames first`);
    return l.name;
  };
  const order = { physical: 0, bond: 1, vlan: 2 } as const;
  const links = [...cfg.links].sort((a, b) => order[a.kind] - order[b.kind]);
  const out = new Map<string, NicTarget>();
  for (const l of links) {
    const t: NicTarget = { name: nameOf(l), addrs: [], routes: [], dynamic: false, deferred: [] };
    if (l.mtu !== undefined) t.mtu = l.mtu;
    if (l.kind === 'vlan') t.create = { type: 'vlan', parent: nameOf(byId.get(l.parent)!), vlanId: l.vlanId };
    if (l.kind === 'bond') {
      t.create = { type: 'bond', mode: l.mode };
      if (l.miimon !== undefined) t.create.miimon = l.miimon;
      if (l.hashPolicy !== undefined) t.create.hashPolicy = l.hashPolicy;
    }
    out.set(t.name, t);
  }
  for (const l of cfg.links) {
    if (l.kind !== 'bond') continue;
    for (const m of l.members) {
      const member = out.get(nameOf(byId.get(m)!));
      if (member) member.master = nameOf(l);
    }
  }
  for (const n of cfg.networks) {
    const t = out.get(nameOf(byId.get(n.link)!))!;
    if (n.address !== undefined && n.prefix !== undefined)
      t.addrs.push(canonCidr(n.address, n.prefix, n.family));
    else t.dynamic = true;
  }
  for (const n of cfg.networks) {
    const t = out.get(nameOf(byId.get(n.link)!))!;
    for (const r of n.routes) {
      const route: IpRoute = {
        to: r.to,
        via: r.via,
        family: r.family,
        metric: r.metric ?? (r.family === 6 ? 1024 : 0),
      };
      const linkLocal = r.family === 6 && (parseIp(r.via, 6)?.value ?? 0n) >> 118n === 0x3fan;
      const hasStatic = t.addrs.some((a) => a.includes(':') === (r.family === 6));
      if (!hasStatic && !linkLocal) {
        // The kernel refuses a gateway on a link with no address of its family, even on-link: such
        // routes wait for the DHCP client (the ip format runs none).
        t.deferred.push(route);
        continue;
      }
      // A gateway outside every static subnet is still on this link (Nova says so): on-link.
      if (!reachable(r.via, r.family, t.addrs)) route.onlink = true;
      if (!t.routes.some((x) => routeKey(x) === routeKey(route))) t.routes.push(route);
    }
  }
  return out;
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

/**
 * The `ip` arguments (without `ip`) that turn `live` into `target`. `owned` limits which addresses may
 * be removed (undefined: every static global address on the NIC).
 */
export function planNic(live: NicLive, target: NicTarget, owned?: Set<string>): string[][] {
  const cmds: string[][] = [];
  const dev = live.name;
  if (target.master !== undefined && live.master !== target.master) {
    cmds.push(['link', 'set', 'dev', dev, 'down'], ['link', 'set', 'dev', dev, 'master', target.master]);
  }
  if (target.mtu !== undefined && target.mtu !== live.mtu)
    cmds.push(['link', 'set', 'dev', dev, 'mtu', String(target.mtu)]);
  if (!live.up || (target.master !== undefined && live.master !== target.master))
    cmds.push(['link', 'set', 'dev', dev, 'up']);
  const want = new Set(target.routes.map(routeKey));
  const have = new Set(live.routes.map(routeKey));
  for (const r of live.routes) {
    if (want.has(routeKey(r))) continue;
    cmds.push(routeCmd('del', r, dev));
  }
  for (const a of live.addrs) {
    if (!target.addrs.includes(a) && (!owned || owned.has(a))) cmds.push(['addr', 'del', a, 'dev', dev]);
  }
  for (const a of target.addrs) if (!live.addrs.includes(a)) cmds.push(['addr', 'add', a, 'dev', dev]);
  for (const r of target.routes) {
    if (have.has(routeKey(r))) continue;
    cmds.push([...routeCmd('add', r, dev), ...(r.onlink ? ['onlink'] : [])]);
  }
  return cmds;
}

/** `-4|-6 route <verb> <to> [via <gw>] dev <dev> proto static metric <m>`, as `ip` arguments. */
function routeCmd(verb: 'add' | 'del', r: IpRoute, dev: string): string[] {
  return [
    `-${r.family}`,
    'route',
    verb,
    r.to,
    ...(r.via ? ['via', r.via] : []),
    'dev',
    dev,
    'proto',
    'static',
    'metric',
    String(r.metric),
  ];
}

async function readState(file: string): Promise<State> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as State;
    return { nics: s.nics ?? {}, created: s.created ?? [] };
  } catch {
    return { nics: {}, created: [] };
  }
}

async function writeState(file: string, state: State): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

function createArgs(t: NicTarget): string[] {
  const c = t.create!;
  if (c.type === 'vlan')
    return ['link', 'add', 'link', c.parent, 'name', t.name, 'type', 'vlan', 'id', String(c.vlanId)];
  return [
    'link',
    'add',
    t.name,
    'type',
    'bond',
    'mode',
    c.mode,
    ...(c.miimon !== undefined ? ['miimon', String(c.miimon)] : []),
    ...(c.hashPolicy !== undefined ? ['xmit_hash_policy', c.hashPolicy] : []),
  ];
}

/** Applies a named config with `ip`, touching only NICs whose live state differs; rolls back on failure. */
export async function applyIp(cfg: NetworkConfig, opts: IpApplyOptions): Promise<ApplyReport> {
  const exec = opts.exec ?? new Exec();
  const ip = new IpTool(exec, opts.netns);
  const log = opts.log;
  const targets = targetsFromConfig(cfg);
  const prev = await readState(opts.stateFile);
  const present = await ip.linkNames();
  const report: ApplyReport = { touched: [], commands: [], missing: [] };
  const snapshots = new Map<string, NicLive>();
  const createdNow: string[] = [];
  const startCmd = exec.history.length;

  const runFor = async (nic: string, args: string[]) => {
    if (!report.touched.includes(nic)) report.touched.push(nic);
    await ip.run(args);
  };

  try {
    for (const t of targets.values()) {
      if (!present.has(t.name)) {
        if (!t.create) {
          report.missing.push(t.name);
          log?.warn({ nic: t.name }, 'NIC not present; skipped');
          continue;
        }
        await runFor(t.name, createArgs(t));
        createdNow.push(t.name);
        present.add(t.name);
      }
      const live = await ip.live(t.name);
      if (!live) continue;
      if (!createdNow.includes(t.name)) snapshots.set(t.name, live);
      if (t.dynamic)
        log?.info({ nic: t.name }, 'dynamic addressing (DHCP/RA) is left to the DHCP client and the kernel');
      for (const args of planNic(live, t)) await runFor(t.name, args);
    }
    // NICs osnet-guest configured before but that left the metadata: remove what it had put there.
    for (const [name, old] of Object.entries(prev.nics)) {
      if (targets.has(name) || !present.has(name)) continue;
      if (prev.created.includes(name)) {
        snapshots.delete(name);
        await runFor(name, ['link', 'del', name]);
        continue;
      }
      const live = await ip.live(name);
      if (!live) continue;
      snapshots.set(name, live);
      const keep: NicTarget = {
        name,
        addrs: live.addrs.filter((a) => !old.addrs.includes(a)),
        routes: live.routes.filter((r) => !old.routes.some((o) => routeKey(o) === routeKey(r))),
        dynamic: false,
        deferred: [],
      };
      for (const args of planNic(live, keep, new Set(old.addrs))) await runFor(name, args);
    }
  } catch (err) {
    log?.error({ err: (err as Error).message, touched: report.touched }, 'apply failed; rolling back');
    const rollbackErrors: string[] = [];
    for (const name of [...createdNow].reverse()) {
      await ip.run(['link', 'del', name]).catch((e: Error) => rollbackErrors.push(e.message));
    }
    for (const name of report.touched) {
      const snap = snapshots.get(name);
      if (!snap) continue;
      try {
        const now = await ip.live(name);
        if (!now) continue;
        const back: NicTarget = {
          name,
          mtu: snap.mtu,
          addrs: snap.addrs,
          routes: snap.routes,
          dynamic: false,
          deferred: [],
        };
        if (snap.master !== undefined) back.master = snap.master;
        for (const args of planNic(now, back)) await ip.run(args);
        if (!snap.up && now.up) await ip.run(['link', 'set', 'dev', name, 'down']);
      } catch (e) {
        rollbackErrors.push((e as Error).message);
      }
    }
    const cause = err instanceof OsnetError ? err : undefined;
    throw new OsnetError(
      'OSNET_ERR_APPLY',
      `${(err as Error).message}; ${rollbackErrors.length ? `rollback incomplete: ${rollbackErrors.join('; ')}` : 'rolled back'}`,
      {
        cause: err,
        touched: report.touched,
        ...(cause?.details.command ? { command: cause.details.command } : {}),
      },
    );
  }
  report.commands = exec.history.slice(startCmd);
  const created = [...new Set([...prev.created.filter((n) => targets.has(n)), ...createdNow])];
  await writeState(opts.stateFile, { nics: Object.fromEntries(targets), created });
  return report;
}
