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
import { readFile } from 'node:fs/promises';
import { Exec } from '../../../host/exec.ts';
import { writeAtomic } from '../../../host/files.ts';
import { OsnetError } from '../../../lib/errors.ts';
import type { NetworkConfig } from '../../model/types.ts';
import type { LiveApplyOptions } from '../types.ts';
import { IpTool, type NicLive } from './live.ts';
import { createArgs, type IpRoute, type NicTarget, routeKey, targetsFromConfig } from './plan.ts';

interface State {
  nics: Record<string, NicTarget>;
  /** Virtual links osnet-guest created (deleted again when they leave the config). */
  created: string[];
}

export interface ApplyReport {
  /** NICs whose state was changed. */
  touched: string[];
  /** Commands run (argv), in order. */
  commands: string[][];
  /** NICs requested but absent from the system, skipped. */
  missing: string[];
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

/** Applies a named config with `ip`, touching only NICs whose live state differs; rolls back on failure. */
export async function applyIp(cfg: NetworkConfig, opts: LiveApplyOptions): Promise<ApplyReport> {
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
        await runFor(t.name, createArgs(t.name, t.create));
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
  const state: State = { nics: Object.fromEntries(targets), created };
  await writeAtomic(opts.stateFile, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  return report;
}
