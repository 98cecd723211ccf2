/**
 * One reconcile pass of osnet-wg-agent: Neutron's hubs bound to this host and their spokes, made true on
 * the host. It reads a few filtered lists (desired.ts), compares each hub's device with what it should hold
 * (plan.ts), writes only the differences (apply.ts, rotation.ts) and reports back to Neutron (status.ts,
 * profile-write.ts): a pass with no change makes no kernel, UAPI or Neutron write. Every port is re-checked;
 * an invalid one is skipped and the reason written to its profile.
 *
 * @example
 *   const agent = new Agent(net, { host: 'net-1', stateDir: '/var/lib/osnet-wg', endpointAddress: '203.0.113.4' });
 *   const r = await agent.pass(); // r.actions, r.neutronWrites, r.kernelWrites
 */
import { listNetns } from '../host/netns.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/results.ts';
import { type ApplyContext, removeGoneHubs, syncHostRoutes, syncInterface } from './apply.ts';
import { counted } from './counted.ts';
import { type Desired, hubAddresses, readDesired, wantPeers } from './desired.ts';
import { Devices } from './device.ts';
import { allocatePort } from './host-info.ts';
import { publicKeyOf } from './keys.ts';
import {
  ERROR_KEY,
  formatEndpoint,
  hostPrefix,
  interfaceName,
  projectNamespace,
  ROTATION_KEY,
} from './model.ts';
import { mergeProfile, writeSpokeReasons } from './profile-write.ts';
import { advanceRotation, syncOldInterface } from './rotation.ts';
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
  failures: { hub: string; error: string }[];
  peers: PeerStatus[];
}

export class Agent {
  readonly opts: AgentOptions;
  readonly devices: Devices;
  readonly store: StateStore;
  private readonly counts = { calls: 0, writes: 0 };
  private readonly net: ServiceClient;
  private readonly cidrs = new Map<string, string>();
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

    const state = await this.store.load();
    const before = JSON.stringify(state);
    const d = await readDesired(this.net, {
      host: this.opts.host,
      known: Object.keys(state.hubs),
      cidrs: this.cidrs,
    });
    r.hubs = d.hubs.length;
    r.spokes = d.spokes.size;
    for (const hub of d.hubs) {
      try {
        await this.reconcileHub(ctx, hub, d, state, r);
      } catch (e) {
        const msg = (e as Error).message;
        r.failures.push({ hub: hub.id, error: msg });
        this.opts.log?.(`hub ${hub.id}: ${msg}`);
      }
    }
    await removeGoneHubs(ctx, state, this.store, new Set(d.hubs.map((h) => h.id)));
    await writeSpokeReasons(this.net, d, r.skipped, ctx.act, dry);
    await this.status.write(r.peers, d.spokes, ctx.act, dry);

    if (!dry && JSON.stringify(state) !== before) await this.store.save(state);
    r.neutronCalls = this.counts.calls - c0.calls;
    r.neutronWrites = this.counts.writes - c0.writes;
    r.kernelWrites = this.devices.exec.history.length - k0 + (this.devices.uapiWrites - u0);
    return r;
  }

  private async reconcileHub(
    ctx: ApplyContext,
    hub: Port,
    d: Desired,
    state: AgentState,
    r: PassResult,
  ): Promise<void> {
    const { dry, act } = ctx;
    const hubProfile = hub['binding:profile'] ?? {};
    const addresses = hubAddresses(hub, this.cidrs);
    if (addresses.length === 0) {
      const reason = 'fixed_ips: a hub needs an address on a mesh subnet';
      r.skipped.push({ port: hub.id, reason });
      if (hubProfile[ERROR_KEY] !== reason) {
        act(`hub ${hub.id}: skipped, reason written back: ${reason}`);
        if (!dry) await mergeProfile(this.net, hub, { [ERROR_KEY]: reason });
      }
      return;
    }
    let netns = projectNamespace(hub.project_id);
    let routerProblem: string | undefined;
    const routerId = d.routed.get(hub.id);
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

    const want = await wantPeers(hub, d, this.opts.host);
    const rot = await advanceRotation(ctx, { hub, hs, state, store: this.store, privateKey, netns });
    privateKey = rot.privateKey;

    // the interface, in its namespace (during an overlap: host addresses only, the old one keeps the prefixes)
    const dev = await syncInterface(ctx, hub.id, {
      ifname: hs.ifname,
      netns,
      privateKey,
      keyFile: this.store.keyFile(hub.id),
      listenPort: hs.listenPort,
      want,
      endpoints: hs.endpoints,
      addresses: rot.overlapping ? addresses.map((a) => hostPrefix(a.split('/')[0]!)) : addresses,
      previousNs,
    });
    if (rot.overlapping && hs.rotation)
      await syncOldInterface(
        ctx,
        hub.id,
        { hs, netns, want, addresses, previousNs, oldKeyFile: rot.oldKeyFile },
        dev,
      );
    else if (rot.retired) await syncHostRoutes(ctx, hub.id, hs.ifname, netns, []);
    if (!dry)
      hs.endpoints = Object.fromEntries([...want].flatMap(([k, w]) => (w.endpoint ? [[k, w.endpoint]] : [])));

    // the public key and endpoint go back to Neutron
    if (privateKey) {
      const endpoint = formatEndpoint({ host: this.opts.endpointAddress, port: hs.listenPort });
      const pub = publicKeyOf(privateKey);
      const rotationChanged = JSON.stringify(rot.rotationOut) !== JSON.stringify(rot.req?.raw);
      if (
        hubProfile.public_key !== pub ||
        hubProfile.endpoint !== endpoint ||
        hubProfile[ERROR_KEY] !== routerProblem ||
        rotationChanged
      ) {
        act(
          `hub ${hub.id}: profile public_key ${pub}, endpoint ${endpoint}${routerProblem ? `; ${routerProblem}` : ''}`,
        );
        if (!dry)
          await mergeProfile(this.net, hub, {
            public_key: pub,
            endpoint,
            [ERROR_KEY]: routerProblem,
            ...(rotationChanged ? { [ROTATION_KEY]: rot.rotationOut } : {}),
          });
      }
    }
    r.peers.push(...peerStatuses(hub.id, want, dev, this.opts.upAfterSec ?? 180));
  }
}
