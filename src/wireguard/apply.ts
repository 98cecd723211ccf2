/**
 * Makes the host hold what a hub needs: its interface (created in the root namespace, moved into its
 * namespace), key, listen port and peers (one change, see plan.ts), addresses and host routes; and removes
 * what a gone hub left. Every change is announced through `act` first; on a dry run nothing is changed.
 *
 * @example
 *   const ctx = { devices: new Devices(), dry: false, act: console.log };
 *   const dev = await syncInterface(ctx, hubId, { ifname, netns, listenPort, want, endpoints, addresses, keyFile });
 */
import { ipArgv, listNetns } from '../host/netns.ts';
import type { Devices } from './device.ts';
import { isEmptyChange } from './device.ts';
import { hostPrefix } from './model.ts';
import { type DeviceWant, describeChange, planDevice } from './plan.ts';
import type { AgentState, HubState, StateStore } from './state.ts';
import type { UapiDevice } from './uapi.ts';

export interface ApplyContext {
  devices: Devices;
  dry: boolean;
  /** Announces a change (or, on a dry run, what would change). */
  act: (s: string) => void;
}

export interface InterfaceWant extends DeviceWant {
  ifname: string;
  netns: string;
  /** Prefixes the interface carries. */
  addresses: string[];
  /** Where the interface was last pass (it moves from there). */
  previousNs?: string | undefined;
}

/** Makes one interface hold key, port, peers and addresses of `w`; returns what it held before. */
export async function syncInterface(ctx: ApplyContext, hubId: string, w: InterfaceWant): Promise<UapiDevice> {
  return syncPeers(ctx, hubId, w, await ensureInterface(ctx, hubId, w));
}

/**
 * The interface exists in its namespace with its addresses, up (its peers need not be known yet, so this
 * runs while the spokes are being listed). Returns whether it was there already.
 */
export async function ensureInterface(
  ctx: ApplyContext,
  hubId: string,
  w: Pick<InterfaceWant, 'ifname' | 'netns' | 'addresses' | 'previousNs'>,
): Promise<boolean> {
  const { devices, dry, act } = ctx;
  const { ifname, netns } = w;
  const where = await devices.locate(ifname, [...new Set([netns, ...(w.previousNs ? [w.previousNs] : [])])]);
  if (!where) {
    act(`hub ${hubId}: create ${ifname} (root namespace) and move it into ${netns}`);
    if (!dry) {
      if (await devices.ensureNetns(netns)) act(`namespace ${netns} created`);
      await devices.create(ifname, netns);
    }
  } else if (where.ns !== netns) {
    act(`hub ${hubId}: move ${ifname} into ${netns}`);
    if (!dry) {
      await devices.ensureNetns(netns);
      await devices.moveTo(ifname, where.ns, netns);
    }
  }
  if (!dry) {
    const plan = await devices.addressPlan(ifname, netns, w.addresses);
    if (plan.add.length || plan.del.length || plan.up) {
      act(
        `hub ${hubId}: ${ifname}: addresses +[${plan.add.join(' ')}] -[${plan.del.join(' ')}]${plan.up ? ', up' : ''}`,
      );
      await devices.applyAddresses(ifname, netns, plan);
    }
  } else if (!where) act(`hub ${hubId}: ${ifname}: addresses ${w.addresses.join(' ')}, up`);
  return where !== undefined;
}

/** Key, port and peers of the interface made true in one change; returns what the device held before. */
export async function syncPeers(
  ctx: ApplyContext,
  hubId: string,
  w: DeviceWant & { ifname: string; netns: string },
  existed: boolean,
): Promise<UapiDevice> {
  // on a dry run an interface that is not there yet holds nothing
  const dev: UapiDevice =
    existed || !ctx.dry ? await ctx.devices.get(w.ifname, w.netns) : { peers: new Map() };
  const change = planDevice(dev, w);
  if (!isEmptyChange(change)) {
    ctx.act(`hub ${hubId}: ${w.ifname}: ${describeChange(change)}`);
    if (!ctx.dry) await ctx.devices.set(w.ifname, w.netns, change);
  }
  return dev;
}

/** Host routes via `ifname` for exactly `ips` (main table, no prefix routes touched). */
export async function syncHostRoutes(
  ctx: ApplyContext,
  hubId: string,
  ifname: string,
  netns: string,
  ips: string[],
): Promise<void> {
  const exec = ctx.devices.exec;
  const have: string[] = [];
  for (const fam of ['-4', '-6']) {
    const { stdout } = await exec.read(ipArgv(['-j', fam, 'route', 'show', 'dev', ifname], netns));
    for (const r of JSON.parse(stdout || '[]') as { dst: string }[])
      if (!r.dst.includes('/') && r.dst !== 'default') have.push(r.dst);
  }
  const add = ips.filter((i) => !have.includes(i));
  const del = have.filter((h) => !ips.includes(h));
  if (add.length === 0 && del.length === 0) return;
  ctx.act(`hub ${hubId}: ${ifname}: host routes +[${add.join(' ')}] -[${del.join(' ')}]`);
  if (ctx.dry) return;
  for (const i of add) await exec.run(ipArgv(['route', 'replace', hostPrefix(i), 'dev', ifname], netns));
  for (const i of del) await exec.run(ipArgv(['route', 'del', hostPrefix(i), 'dev', ifname], netns));
}

/** Deletes a project namespace (`tun-…`) once only `lo` is left in it; a router's belongs to the L3 agent. */
export async function dropNetnsIfEmpty(ctx: ApplyContext, ns: string): Promise<void> {
  if (!ns.startsWith('tun-') || !(await listNetns()).includes(ns)) return;
  const { stdout } = await ctx.devices.exec.read(ipArgv(['-j', 'link', 'show'], ns));
  const links = JSON.parse(stdout || '[]') as { ifname: string }[];
  if (links.every((l) => l.ifname === 'lo')) {
    ctx.act(`namespace ${ns} is empty: delete it`);
    await ctx.devices.exec.run(['ip', 'netns', 'del', ns]);
  }
}

/** Hubs in `state` that are not `live`: their interfaces, key and state go, and emptied namespaces. */
export async function removeGoneHubs(
  ctx: ApplyContext,
  state: AgentState,
  store: StateStore,
  live: Set<string>,
): Promise<void> {
  for (const [id, hs] of Object.entries(state.hubs) as [string, HubState][]) {
    if (live.has(id)) continue;
    ctx.act(`hub ${id} is gone: delete ${hs.ifname} in ${hs.netns}`);
    if (ctx.dry) continue;
    for (const name of [hs.ifname, ...(hs.rotation ? [hs.rotation.oldIfname] : [])]) {
      const where = await ctx.devices.locate(name, [hs.netns]);
      if (where) await ctx.devices.remove(name, where.ns);
    }
    await store.removeKey(id);
    delete state.hubs[id];
    for (const ns of new Set([hs.netns, hs.projectNetns ?? hs.netns]))
      if (!Object.values(state.hubs).some((h) => h.netns === ns || h.projectNetns === ns))
        await dropNetnsIfEmpty(ctx, ns);
  }
}
