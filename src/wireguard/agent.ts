/**
 * One reconcile pass of osnet-wg-agent: Neutron's hubs bound to this host and their spokes, made true on
 * the host. It reads a few filtered lists (desired.ts), compares each hub's device with what it should hold
 * (plan.ts), writes only the differences (apply.ts, rotation.ts) and reports back to Neutron (status.ts,
 * profile-write.ts): a pass with no change makes no kernel, UAPI or Neutron write. Every port is re-checked;
 * an invalid one is skipped and the reason written to its profile.
 *
 * The slow parts overlap: while Neutron lists the spokes (the bulk of a pass with many), each hub's
 * interface is made, addressed and brought up, and its key and endpoint are written back to its port;
 * only the peers wait for the list.
 *
 * @example
 *   const agent = new Agent(net, { host: 'net-1', stateDir: '/var/lib/osnet-wg', endpointAddress: '203.0.113.4' });
 *   const r = await agent.pass(); // r.actions, r.neutronWrites, r.kernelWrites
 */
import { listNetns } from '../host/netns.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/results.ts';
import { type ApplyContext, ensureInterface, removeGoneHubs, syncHostRoutes, syncPeers } from './apply.ts';
import { counted } from './counted.ts';
import {
  checkSpokes,
  type Desired,
  hubAddresses,
  type MeshSubnet,
  readHubs,
  readSpokes,
  readSubnets,
  type TagDrift,
  wantPeers,
} from './desired.ts';
import { Devices } from './device.ts';
import { allocatePort } from './host-info.ts';
import { ERROR_KEY, formatEndpoint, hostPrefix, interfaceName, projectNamespace } from './model.ts';
import { fixTagDrift, mergeProfile, writeHubProfile, writeSpokeReasons } from './profile-write.ts';
import { advanceRotation, type RotationStep, syncOldInterface } from './rotation.ts';
import { type AgentState, type HubState, StateStore } from './state.ts';
import { type PeerStatus, peerStatuses, StatusWriter } from './status.ts';

export interface AgentOptions {
  /** binding:host_id of the hubs this agent runs. */
  host: string;
  stateDir: string;
  /** The host address spokes reach the hubs at (written into each hub's endpoint). */
  endpointAddress: string;
  dryRun?: boolean;
  devices?: Devices;
  /** Shortest time between two status write-backs of one spoke, ms (default 5 min); 0 disables them. */
  statusIntervalMs?: number;
  /** Most status write-backs in one pass (default 20); the others wait for later passes. */
  statusWritesPerPass?: number;
  /** Most spokes whose tag drift is put right in one pass (default 20); all are reported. */
  driftFixesPerPass?: number;
  /** A spoke counts as up while its latest handshake is younger than this, s (default 180). */
  upAfterSec?: number;
  log?: (line: string) => void;
}

export interface PassResult {
  hubs: number;
  spokes: number;
  /** What was changed (or, with dryRun, would be). */
  actions: string[];
  neutronCalls: number;
  neutronWrites: number;
  kernelWrites: number;
  /** Ports skipped, with the reason. */
  skipped: { port: string; reason: string }[];
  /** Spokes whose peer tags disagreed with their profile (put right unless dryRun). */
  drift: TagDrift[];
  failures: { hub: string; error: string }[];
  peers: PeerStatus[];
}

/** A hub set up as far as it goes without its spokes. */
interface Prepared {
  hs: HubState;
  netns: string;
  previousNs: string;
  privateKey: string | undefined;
  rot: RotationStep;
  addresses: string[];
  existed: boolean;
  /** The profile write-back under way: settles with its error, if any. */
  profile: Promise<unknown>;
}

export class Agent {
  readonly opts: AgentOptions;
  readonly devices: Devices;
  readonly store: StateStore;
  private readonly counts = { calls: 0, writes: 0 };
  private readonly net: ServiceClient;
  private readonly subnets = new Map<string, MeshSubnet>();
  private readonly status: StatusWriter;

  constructor(net: ServiceClient, opts: AgentOptions) {
    this.opts = opts;
    this.net = counted(net, this.counts);
    this.devices = opts.devices ?? new Devices();
    this.store = new StateStore(opts.stateDir);
    this.status = new StatusWriter(this.net, {
      intervalMs: opts.statusIntervalMs ?? 300_000,
      perPass: opts.statusWritesPerPass ?? 20,
    });
  }

  async pass(): Promise<PassResult> {
    const c0 = { ...this.counts };
    const k0 = this.devices.exec.history.length;
    const u0 = this.devices.uapiWrites;
    const r: PassResult = {
      hubs: 0,
      spokes: 0,
      actions: [],
      neutronCalls: 0,
      neutronWrites: 0,
      kernelWrites: 0,
      skipped: [],
      drift: [],
      failures: [],
      peers: [],
    };
    const dry = this.opts.dryRun === true;
    const ctx: ApplyContext = {
      devices: this.devices,
      dry,
      act: (s) => {
        r.actions.push(s);
        this.opts.log?.(`${dry ? 'would: ' : ''}${s}`);
      },
    };
    const fail = (hub: string, e: unknown) => {
      const msg = (e as Error).message;
      r.failures.push({ hub, error: msg });
      this.opts.log?.(`hub ${hub}: ${msg}`);
    };

    const state = await this.store.load();
    const before = JSON.stringify(state);
    try {
      const { hubs, routed } = await readHubs(this.net, {
        host: this.opts.host,
        known: Object.keys(state.hubs),
      });
      r.hubs = hubs.length;
      const prepared = new Map<string, Prepared>();
      // one hub after the other (listen ports are allocated from the state), all while the spokes are listed
      const prepareAll = async () => {
        await readSubnets(this.net, hubs, this.subnets);
        for (const hub of hubs) {
          try {
            const p = await this.prepareHub(ctx, hub, routed.get(hub.id), state, r);
            if (p) prepared.set(hub.id, p);
          } catch (e) {
            fail(hub.id, e);
          }
        }
      };
      const [listed, done] = await Promise.allSettled([readSpokes(this.net, hubs), prepareAll()]);
      if (listed.status === 'rejected' || done.status === 'rejected') {
        // no write is left running behind a failed pass
        await Promise.all([...prepared.values()].map((p) => p.profile));
        throw listed.status === 'rejected' ? listed.reason : (done as PromiseRejectedResult).reason;
      }
      const d = checkSpokes(listed.value, hubs);
      r.spokes = d.spokes.size;
      r.drift = d.drift;
      for (const hub of hubs) {
        const p = prepared.get(hub.id);
        if (!p) continue;
        try {
          await this.finishHub(ctx, hub, p, d, r);
        } catch (e) {
          fail(hub.id, e);
        }
      }
      await removeGoneHubs(ctx, state, this.store, new Set(hubs.map((h) => h.id)));
      await writeSpokeReasons(this.net, d, r.skipped, ctx.act, dry);
      await fixTagDrift(this.net, d, ctx.act, dry, this.opts.driftFixesPerPass ?? 20);
      await this.status.write(r.peers, d.spokes, ctx.act, dry);
    } finally {
      // also after a failed list: what was set up on the host (keys, ports) must be found again
      if (!dry && JSON.stringify(state) !== before) await this.store.save(state);
    }
    r.neutronCalls = this.counts.calls - c0.calls;
    r.neutronWrites = this.counts.writes - c0.writes;
    r.kernelWrites = this.devices.exec.history.length - k0 + (this.devices.uapiWrites - u0);
    return r;
  }

  /** Key, port, namespace, rotation, the interface up with its addresses, and the profile write-back started. */
  private async prepareHub(
    ctx: ApplyContext,
    hub: Port,
    routerId: string | undefined,
    state: AgentState,
    r: PassResult,
  ): Promise<Prepared | undefined> {
    const { dry, act } = ctx;
    const hubProfile = hub['binding:profile'] ?? {};
    const addresses = hubAddresses(hub, this.subnets);
    if (!Array.isArray(addresses)) {
      const { reason } = addresses;
      r.skipped.push({ port: hub.id, reason });
      if (hubProfile[ERROR_KEY] !== reason) {
        act(`hub ${hub.id}: skipped, reason written back: ${reason}`);
        if (!dry) await mergeProfile(this.net, hub, { [ERROR_KEY]: reason });
      }
      return undefined;
    }
    let netns = projectNamespace(hub.project_id);
    let routerProblem: string | undefined;
    if (routerId) {
      // the namespace the L3 agent keeps for the router; ML2/OVN routes inside OVN and has none
      const rns = `qrouter-${routerId}`;
      if ((await listNetns()).includes(rns)) netns = rns;
      else
        routerProblem = `router ${routerId}: no namespace ${rns} on ${this.opts.host} (ML2/OVN has none): the hub stays in ${netns}`;
    }
    const hs: HubState = state.hubs[hub.id] ?? {
      ifname: interfaceName(hub.id),
      netns,
      listenPort: await allocatePort(state, hub.id),
      endpoints: {},
    };
    const previousNs = hs.netns;
    if (!dry) {
      hs.netns = netns;
      hs.projectNetns = projectNamespace(hub.project_id);
    }
    let privateKey = await this.store.readKey(hub.id);
    if (!privateKey) {
      act(`hub ${hub.id}: generate its private key`);
      privateKey = dry ? undefined : await this.store.newKey(hub.id);
    }
    if (!dry) state.hubs[hub.id] = hs;
    const rot = await advanceRotation(ctx, { hub, hs, state, store: this.store, privateKey, netns });
    privateKey = rot.privateKey;
    // key and port are settled: the profile can say so while the device is being set up
    const profile = writeHubProfile(this.net, ctx, hub, {
      endpoint: formatEndpoint({ host: this.opts.endpointAddress, port: hs.listenPort }),
      privateKey,
      rot,
      routerProblem,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // during an overlap the new interface has host addresses only; the old one keeps the prefixes
    const own = rot.overlapping ? addresses.map((a) => hostPrefix(a.split('/')[0]!)) : addresses;
    // a failed hub leaves no write running behind it
    let existed: boolean;
    try {
      existed = await ensureInterface(ctx, hub.id, {
        ifname: hs.ifname,
        netns,
        addresses: own,
        previousNs,
      });
    } catch (e) {
      await profile;
      throw e;
    }
    return { hs, netns, previousNs, privateKey, rot, addresses, existed, profile };
  }

  /** The peers (one device change), the rotation's old interface, and the hub's status. */
  private async finishHub(
    ctx: ApplyContext,
    hub: Port,
    p: Prepared,
    d: Desired,
    r: PassResult,
  ): Promise<void> {
    const { hs, netns, rot } = p;
    const want = await wantPeers(hub, d, this.opts.host);
    const dev = await syncPeers(
      ctx,
      hub.id,
      {
        ifname: hs.ifname,
        netns,
        privateKey: p.privateKey,
        keyFile: this.store.keyFile(hub.id),
        listenPort: hs.listenPort,
        want,
        endpoints: hs.endpoints,
      },
      p.existed,
    );
    if (rot.overlapping && hs.rotation)
      await syncOldInterface(
        ctx,
        hub.id,
        { hs, netns, want, addresses: p.addresses, previousNs: p.previousNs, oldKeyFile: rot.oldKeyFile },
        dev,
      );
    else if (rot.retired) await syncHostRoutes(ctx, hub.id, hs.ifname, netns, []);
    if (!ctx.dry)
      hs.endpoints = Object.fromEntries([...want].flatMap(([k, w]) => (w.endpoint ? [[k, w.endpoint]] : [])));
    const err = await p.profile;
    if (err) throw err;
    r.peers.push(...peerStatuses(hub.id, want, dev, this.opts.upAfterSec ?? 180));
  }
}
