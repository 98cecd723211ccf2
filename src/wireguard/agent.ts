/**
 * One reconcile pass of osnet-wg-agent: Neutron's hubs bound to this host and their spokes, made true on
 * the host. It reads two filtered lists (hubs by device_owner and binding:host_id, spokes by device_owner
 * and their peer tags), compares with what the devices hold, and writes only the differences: a pass with
 * no change makes no kernel, UAPI or Neutron write. Every port is re-checked; an invalid one is skipped and
 * the reason written to its profile.
 *
 * @example
 *   const agent = new Agent(net, { host: 'net-1', stateDir: '/var/lib/osnet-wg', endpointAddress: '203.0.113.4' });
 *   const r = await agent.pass(); // r.actions, r.neutronWrites, r.kernelWrites
 */
import { readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { writeAtomic } from '../host/files.ts';
import { ipArgv, listNetns } from '../host/netns.ts';
import { OsnetError } from '../lib/errors.ts';
import { PreconditionFailedError } from '../openstack/client/errors.ts';
import { collect } from '../openstack/client/pagination.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { ports, subnets } from '../openstack/networking/v2/index.ts';
import type { JsonValue, Port } from '../openstack/networking/v2/ports/results.ts';
import { type DeviceChange, Devices, isEmptyChange, type PeerChange } from './device.ts';
import { isKey, publicKeyOf } from './keys.ts';
import {
  ERROR_KEY,
  formatEndpoint,
  HUB_OWNER,
  hostPrefix,
  interfaceName,
  otherInterfaceName,
  PORT_MAX,
  PORT_MIN,
  parseRotation,
  parseSpokeProfile,
  peerTag,
  projectNamespace,
  ROTATION_KEY,
  SPOKE_OWNER,
  type SpokeProfile,
  STATUS_KEY,
} from './model.ts';
import { type AgentState, type HubState, StateStore } from './state.ts';
import type { UapiDevice } from './uapi.ts';

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

export interface PeerStatus {
  hub: string;
  spoke: string;
  publicKey: string;
  lastHandshakeSec: number;
  rxBytes: number;
  txBytes: number;
  up: boolean;
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

const SPOKE_TAG_CHUNK = 20;

/** A view of `client` that counts calls and writes. */
function counted(client: ServiceClient, c: { calls: number; writes: number }): ServiceClient {
  return new Proxy(client, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      // the verbs and `request` (updates go through it); on the target neither calls back into the view
      if (
        prop === 'request' ||
        prop === 'get' ||
        prop === 'post' ||
        prop === 'put' ||
        prop === 'patch' ||
        prop === 'delete'
      )
        return (...args: unknown[]) => {
          c.calls++;
          const method = prop === 'request' ? String(args[0]).toLowerCase() : prop;
          if (method !== 'get' && method !== 'head') c.writes++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      return (v as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

interface WantPeer {
  spoke: string;
  allowedIps: string[];
  endpoint?: string;
  keepalive: number;
  presharedKey?: string;
  presharedKeyFile?: string;
}

export class Agent {
  readonly opts: AgentOptions;
  readonly devices: Devices;
  readonly store: StateStore;
  private readonly counts = { calls: 0, writes: 0 };
  private readonly net: ServiceClient;
  private readonly cidrs = new Map<string, string>();
  private readonly lastStatus = new Map<string, { at: number; up: boolean }>();

  constructor(net: ServiceClient, opts: AgentOptions) {
    this.opts = opts;
    this.net = counted(net, this.counts);
    this.devices = opts.devices ?? new Devices();
    this.store = new StateStore(opts.stateDir);
  }

  private log(s: string): void {
    this.opts.log?.(s);
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
    const act = (s: string) => {
      r.actions.push(s);
      this.log(`${dry ? 'would: ' : ''}${s}`);
    };

    const state = await this.store.load();
    const before = JSON.stringify(state);
    const hubs = await collect(
      ports.list(this.net, { device_owner: HUB_OWNER, 'binding:host_id': this.opts.host }),
    );
    // A hub added to a router becomes a router_interface port of that router (its id, host and profile
    // kept): it is not gone, and its interface follows it into the router's namespace. Only looked up when
    // a hub we run is missing from the list, so a pass without one makes no extra call.
    const routed = new Map<string, string>();
    const listed = new Set(hubs.map((h) => h.id));
    const absent = Object.keys(state.hubs).filter((id) => !listed.has(id));
    if (absent.length > 0)
      for (const p of await collect(ports.list(this.net, { ids: absent }))) {
        if (
          p.device_owner.startsWith('network:router_interface') &&
          p['binding:host_id'] === this.opts.host
        ) {
          hubs.push(p);
          routed.set(p.id, p.device_id);
        }
      }
    r.hubs = hubs.length;
    const spokes = new Map<string, Port>();
    for (let i = 0; i < hubs.length; i += SPOKE_TAG_CHUNK) {
      const tagsAny = hubs.slice(i, i + SPOKE_TAG_CHUNK).map((h) => peerTag(h.id));
      for await (const s of ports.list(this.net, { device_owner: SPOKE_OWNER, 'tags-any': tagsAny }))
        spokes.set(s.id, s);
    }
    r.spokes = spokes.size;
    const missing = [...new Set(hubs.flatMap((h) => h.fixed_ips.map((f) => f.subnet_id)))].filter(
      (id) => !this.cidrs.has(id),
    );
    if (missing.length > 0)
      for (const s of await collect(subnets.list(this.net, { ids: missing, fields: ['id', 'cidr'] })))
        this.cidrs.set(s.id, s.cidr);

    const spokeErrors = new Map<string, string>();
    const parsed = new Map<string, SpokeProfile>();
    for (const s of spokes.values()) {
      const p = parseSpokeProfile(s['binding:profile'] ?? {});
      if (p.ok) parsed.set(s.id, p.value);
      else spokeErrors.set(s.id, `${p.field}: ${p.reason}`);
    }

    for (const hub of hubs) {
      try {
        await this.reconcileHub(hub, spokes, parsed, spokeErrors, state, act, r, routed.get(hub.id));
      } catch (e) {
        const msg = (e as Error).message;
        r.failures.push({ hub: hub.id, error: msg });
        this.log(`hub ${hub.id}: ${msg}`);
      }
    }

    const live = new Set(hubs.map((h) => h.id));
    for (const [id, hs] of Object.entries(state.hubs)) {
      if (live.has(id)) continue;
      act(`hub ${id} is gone: delete ${hs.ifname} in ${hs.netns}`);
      if (dry) continue;
      for (const name of [hs.ifname, ...(hs.rotation ? [hs.rotation.oldIfname] : [])]) {
        const where = await this.devices.locate(name, [hs.netns]);
        if (where) await this.devices.remove(name, where.ns);
      }
      await this.store.removeKey(id);
      delete state.hubs[id];
      for (const ns of new Set([hs.netns, hs.projectNetns ?? hs.netns]))
        if (!Object.values(state.hubs).some((h) => h.netns === ns || h.projectNetns === ns))
          await this.dropNetnsIfEmpty(ns, act);
    }

    for (const [id, reason] of spokeErrors) {
      const s = spokes.get(id)!;
      r.skipped.push({ port: id, reason });
      if (s['binding:profile']?.[ERROR_KEY] !== reason) {
        act(`spoke ${id}: skipped, reason written back: ${reason}`);
        if (!dry) await this.mergeProfile(s, { [ERROR_KEY]: reason });
      }
    }
    for (const [id] of parsed) {
      const s = spokes.get(id)!;
      if (!spokeErrors.has(id) && s['binding:profile']?.[ERROR_KEY] !== undefined) {
        act(`spoke ${id}: valid again, error cleared`);
        if (!dry) await this.mergeProfile(s, { [ERROR_KEY]: undefined });
      }
    }
    await this.writeStatus(r.peers, spokes, act, dry);

    if (!dry && JSON.stringify(state) !== before) await this.store.save(state);
    r.neutronCalls = this.counts.calls - c0.calls;
    r.neutronWrites = this.counts.writes - c0.writes;
    r.kernelWrites = this.devices.exec.history.length - k0 + (this.devices.uapiWrites - u0);
    return r;
  }

  private async dropNetnsIfEmpty(ns: string, act: (s: string) => void): Promise<void> {
    // only the project namespaces are ours; a router's belongs to the L3 agent
    if (!ns.startsWith('tun-') || !(await listNetns()).includes(ns)) return;
    const { stdout } = await this.devices.exec.read(ipArgv(['-j', 'link', 'show'], ns));
    const links = JSON.parse(stdout || '[]') as { ifname: string }[];
    if (links.every((l) => l.ifname === 'lo')) {
      act(`namespace ${ns} is empty: delete it`);
      await this.devices.exec.run(['ip', 'netns', 'del', ns]);
    }
  }

  private async allocatePort(state: AgentState, hubId: string): Promise<number> {
    const used = new Set(
      Object.entries(state.hubs).flatMap(([id, h]) => (id === hubId ? [] : [h.listenPort])),
    );
    // another agent, a wg-quick or any UDP service may hold a port of the range: ask the host
    for (const p of await udpPortsInUse()) used.add(p);
    for (let p = PORT_MIN; p <= PORT_MAX; p++) if (!used.has(p)) return p;
    throw new OsnetError('OSNET_ERR_CONFIG', `no free listen port in ${PORT_MIN}-${PORT_MAX}`, {
      field: 'listen_port',
    });
  }

  private async reconcileHub(
    hub: Port,
    spokes: Map<string, Port>,
    parsed: Map<string, SpokeProfile>,
    spokeErrors: Map<string, string>,
    state: AgentState,
    act: (s: string) => void,
    r: PassResult,
    routerId?: string,
  ): Promise<void> {
    const dry = this.opts.dryRun === true;
    const hubProfile = hub['binding:profile'] ?? {};
    const addresses: string[] = [];
    for (const f of hub.fixed_ips) {
      const cidr = this.cidrs.get(f.subnet_id);
      if (cidr) addresses.push(`${f.ip_address.toLowerCase()}/${cidr.split('/')[1]}`);
    }
    if (addresses.length === 0) {
      const reason = 'fixed_ips: a hub needs an address on a mesh subnet';
      r.skipped.push({ port: hub.id, reason });
      if (hubProfile[ERROR_KEY] !== reason) {
        act(`hub ${hub.id}: skipped, reason written back: ${reason}`);
        if (!dry) await this.mergeProfile(hub, { [ERROR_KEY]: reason });
      }
      return;
    }
    const ifname = interfaceName(hub.id);
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
      ifname,
      netns,
      listenPort: await this.allocatePort(state, hub.id),
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

    // the peers this hub should have
    const want = new Map<string, WantPeer>();
    for (const s of spokes.values()) {
      const p = parsed.get(s.id);
      if (!p?.peers.includes(hub.id)) continue;
      if (s.network_id !== hub.network_id) {
        spokeErrors.set(s.id, `network_id: the spoke is not on hub ${hub.id}'s network`);
        continue;
      }
      const off = s.fixed_ips.find((f) => !hub.fixed_ips.some((h) => h.subnet_id === f.subnet_id));
      if (off || s.fixed_ips.length === 0) {
        spokeErrors.set(s.id, `fixed_ips: ${off?.ip_address ?? 'none'} is not on a subnet of hub ${hub.id}`);
        continue;
      }
      const clash = [...want.values()].find((w) => parsed.get(w.spoke)?.publicKey === p.publicKey);
      if (clash) {
        spokeErrors.set(
          s.id,
          `binding:profile.public_key: spoke ${clash.spoke} already uses this key on hub ${hub.id}`,
        );
        continue;
      }
      let presharedKey: string | undefined;
      if (p.presharedKeyRef) {
        const file = p.presharedKeyRef.slice('file:'.length);
        presharedKey = (await readFile(file, 'utf8').catch(() => '')).trim();
        if (!isKey(presharedKey)) {
          spokeErrors.set(
            s.id,
            `binding:profile.preshared_key: ${p.presharedKeyRef} is not readable on ${this.opts.host} or holds no key`,
          );
          continue;
        }
      }
      const allowedIps = [
        ...new Set([...s.fixed_ips.map((f) => hostPrefix(f.ip_address)), ...p.allowedIps]),
      ].sort();
      want.set(p.publicKey, {
        spoke: s.id,
        allowedIps,
        keepalive: p.persistentKeepalive ?? 0,
        ...(p.endpoint ? { endpoint: formatEndpoint(p.endpoint) } : {}),
        ...(presharedKey ? { presharedKey, presharedKeyFile: p.presharedKeyRef!.slice(5) } : {}),
      });
    }

    // rotation (osnet wg rotate): a new key on a second interface; the old one serves until the overlap ends
    const req = parseRotation(hubProfile[ROTATION_KEY]);
    const nowSec = Math.floor(Date.now() / 1000);
    const oldKeyFile = `${this.store.keyFile(hub.id)}.old`;
    let rotationOut: Record<string, JsonValue> | undefined = req?.raw;
    if (req && req.done_at === undefined && privateKey && hs.rotation?.requestedAt !== req.requested_at) {
      act(`hub ${hub.id}: rotate its key (overlap ${req.overlap_seconds} s)`);
      if (!dry) {
        await writeAtomic(oldKeyFile, `${privateKey}\n`, 0o600);
        hs.rotation = {
          requestedAt: req.requested_at,
          until: req.requested_at + req.overlap_seconds,
          oldIfname: hs.ifname,
          oldPort: hs.listenPort,
        };
        hs.ifname = otherInterfaceName(hub.id, hs.ifname);
        hs.listenPort = await this.allocatePort(state, hub.id);
        privateKey = await this.store.newKey(hub.id);
      }
    }
    const rot = hs.rotation;
    let retired = false;
    const overlapping = rot !== undefined && nowSec < rot.until;
    if (rot && !overlapping) {
      act(`hub ${hub.id}: rotation overlap over: retire ${rot.oldIfname} and the old key`);
      if (!dry) {
        const w = await this.devices.locate(rot.oldIfname, [netns]);
        if (w) await this.devices.remove(rot.oldIfname, w.ns);
        await rm(oldKeyFile, { force: true });
        hs.rotation = undefined;
        retired = true;
        rotationOut = { ...(req?.raw ?? {}), done_at: nowSec };
      }
    } else if (rot && req && req.raw.until !== rot.until) rotationOut = { ...req.raw, until: rot.until };

    // the interface, in its namespace (during an overlap: host addresses only, the old one keeps the prefixes)
    const dev = await this.syncInterface(
      hub.id,
      hs.ifname,
      netns,
      privateKey,
      this.store.keyFile(hub.id),
      hs.listenPort,
      want,
      hs.endpoints,
      overlapping ? addresses.map((a) => hostPrefix(a.split('/')[0]!)) : addresses,
      act,
      previousNs,
    );
    if (overlapping && rot) {
      const oldKey = (await readFile(oldKeyFile, 'utf8').catch(() => '')).trim() || undefined;
      const old = await this.syncInterface(
        hub.id,
        rot.oldIfname,
        netns,
        oldKey,
        oldKeyFile,
        rot.oldPort,
        want,
        hs.endpoints,
        addresses,
        act,
        previousNs,
      );
      // spokes already on the new key: their replies must leave by the new interface
      const moved = [...want].filter(([pub]) => (dev.peers.get(pub)?.lastHandshakeSec ?? 0) > 0);
      const spokeIps = moved.flatMap(([, w]) =>
        w.allowedIps.filter((a) => /\/(32|128)$/.test(a)).map((a) => a.split('/')[0]!),
      );
      await this.syncHostRoutes(hub.id, hs.ifname, netns, spokeIps, act);
      for (const [pub, p] of old.peers) {
        const d = dev.peers.get(pub);
        if (d && p.lastHandshakeSec > d.lastHandshakeSec)
          dev.peers.set(pub, { ...p, allowedIps: d.allowedIps });
      }
    } else if (retired) await this.syncHostRoutes(hub.id, hs.ifname, netns, [], act);
    if (!dry)
      hs.endpoints = Object.fromEntries([...want].flatMap(([k, w]) => (w.endpoint ? [[k, w.endpoint]] : [])));

    // the public key and endpoint go back to Neutron
    if (privateKey) {
      const endpoint = formatEndpoint({ host: this.opts.endpointAddress, port: hs.listenPort });
      const pub = publicKeyOf(privateKey);
      const rotationChanged = JSON.stringify(rotationOut) !== JSON.stringify(req?.raw);
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
          await this.mergeProfile(hub, {
            public_key: pub,
            endpoint,
            [ERROR_KEY]: routerProblem,
            ...(rotationChanged ? { [ROTATION_KEY]: rotationOut } : {}),
          });
      }
    }

    const now = Date.now() / 1000;
    for (const [pub, w] of want) {
      const p = dev.peers.get(pub);
      const hsAge = p && p.lastHandshakeSec > 0 ? now - p.lastHandshakeSec : Number.POSITIVE_INFINITY;
      r.peers.push({
        hub: hub.id,
        spoke: w.spoke,
        publicKey: pub,
        lastHandshakeSec: p?.lastHandshakeSec ?? 0,
        rxBytes: p?.rxBytes ?? 0,
        txBytes: p?.txBytes ?? 0,
        up: hsAge < (this.opts.upAfterSec ?? 180),
      });
    }
  }

  /** Makes one interface hold `privateKey`, `listenPort`, the peers `want` and `addresses`; returns what it held. */
  private async syncInterface(
    hubId: string,
    ifname: string,
    netns: string,
    privateKey: string | undefined,
    keyFile: string,
    listenPort: number,
    want: Map<string, WantPeer>,
    endpoints: Record<string, string>,
    addresses: string[],
    act: (s: string) => void,
    previousNs?: string,
  ): Promise<UapiDevice> {
    const dry = this.opts.dryRun === true;
    // the interface, in its namespace
    const where = await this.devices.locate(ifname, [
      ...new Set([netns, ...(previousNs ? [previousNs] : [])]),
    ]);
    let dev: UapiDevice = { peers: new Map() };
    if (!where) {
      act(`hub ${hubId}: create ${ifname} (root namespace) and move it into ${netns}`);
      if (!dry) {
        if (await this.devices.ensureNetns(netns)) act(`namespace ${netns} created`);
        await this.devices.create(ifname, netns);
      }
    } else if (where.ns !== netns) {
      act(`hub ${hubId}: move ${ifname} into ${netns}`);
      if (!dry) {
        await this.devices.ensureNetns(netns);
        await this.devices.moveTo(ifname, where.ns, netns);
      }
    }
    if (where || !dry) dev = await this.devices.get(ifname, netns);

    const change: DeviceChange = { peers: [] };
    if (privateKey && dev.privateKey !== privateKey) {
      change.privateKey = privateKey;
      change.privateKeyFile = keyFile;
    }
    if (dev.listenPort !== listenPort) change.listenPort = listenPort;
    for (const [pub, w] of want) {
      const have = dev.peers.get(pub);
      const declared = w.endpoint !== undefined && endpoints[pub] !== w.endpoint ? w.endpoint : undefined;
      if (!have) {
        change.peers.push({
          publicKey: pub,
          allowedIps: w.allowedIps,
          keepalive: w.keepalive,
          ...(w.endpoint ? { endpoint: w.endpoint } : {}),
          ...(w.presharedKey ? { presharedKey: w.presharedKey, presharedKeyFile: w.presharedKeyFile } : {}),
        });
        continue;
      }
      const pc: PeerChange = { publicKey: pub, updateOnly: true };
      if ([...have.allowedIps].sort().join() !== w.allowedIps.join()) pc.allowedIps = w.allowedIps;
      if (have.keepalive !== w.keepalive) pc.keepalive = w.keepalive;
      if ((have.presharedKey ?? null) !== (w.presharedKey ?? null)) {
        pc.presharedKey = w.presharedKey ?? null;
        pc.presharedKeyFile = w.presharedKeyFile ?? null;
      }
      if (declared) pc.endpoint = declared;
      if (Object.keys(pc).length > 2) change.peers.push(pc);
    }
    for (const pub of dev.peers.keys())
      if (!want.has(pub)) change.peers.push({ publicKey: pub, remove: true });
    if (!isEmptyChange(change)) {
      const added = change.peers.filter((p) => !p.remove && !p.updateOnly).length;
      const removed = change.peers.filter((p) => p.remove).length;
      act(
        `hub ${hubId}: ${ifname}: ${[
          change.privateKey ? 'private key' : '',
          change.listenPort ? `listen port ${change.listenPort}` : '',
          added ? `${added} peer(s) added` : '',
          removed ? `${removed} removed` : '',
          change.peers.length - added - removed ? `${change.peers.length - added - removed} updated` : '',
        ]
          .filter(Boolean)
          .join(', ')}`,
      );
      if (!dry) await this.devices.set(ifname, netns, change);
    }
    if (!dry) {
      const plan = await this.devices.addressPlan(ifname, netns, addresses);
      if (plan.add.length || plan.del.length || plan.up) {
        act(
          `hub ${hubId}: ${ifname}: addresses +[${plan.add.join(' ')}] -[${plan.del.join(' ')}]${plan.up ? ', up' : ''}`,
        );
        await this.devices.applyAddresses(ifname, netns, plan);
      }
    } else if (!where) act(`hub ${hubId}: ${ifname}: addresses ${addresses.join(' ')}, up`);

    return dev;
  }

  /** Host routes via `ifname` for exactly `ips` (main table, no prefix routes touched). */
  private async syncHostRoutes(
    hubId: string,
    ifname: string,
    netns: string,
    ips: string[],
    act: (s: string) => void,
  ): Promise<void> {
    const have: string[] = [];
    for (const fam of ['-4', '-6']) {
      const { stdout } = await this.devices.exec.read(
        ipArgv(['-j', fam, 'route', 'show', 'dev', ifname], netns),
      );
      for (const r of JSON.parse(stdout || '[]') as { dst: string }[])
        if (!r.dst.includes('/') && r.dst !== 'default') have.push(r.dst);
    }
    const add = ips.filter((i) => !have.includes(i));
    const del = have.filter((h) => !ips.includes(h));
    if (add.length === 0 && del.length === 0) return;
    act(`hub ${hubId}: ${ifname}: host routes +[${add.join(' ')}] -[${del.join(' ')}]`);
    if (this.opts.dryRun) return;
    for (const i of add)
      await this.devices.exec.run(ipArgv(['route', 'replace', hostPrefix(i), 'dev', ifname], netns));
    for (const i of del)
      await this.devices.exec.run(ipArgv(['route', 'del', hostPrefix(i), 'dev', ifname], netns));
  }

  /** Status back to each spoke's profile: on an up/down change, else at most once per interval. */
  private async writeStatus(
    peers: PeerStatus[],
    spokes: Map<string, Port>,
    act: (s: string) => void,
    dry: boolean,
  ): Promise<void> {
    const every = this.opts.statusIntervalMs ?? 300_000;
    if (every === 0) return;
    const now = Date.now();
    // each write is a read and an update of one port: a bounded number per pass, the rest on later passes
    let budget = this.opts.statusWritesPerPass ?? 20;
    for (const p of peers) {
      const key = `${p.hub}/${p.spoke}`;
      const s = spokes.get(p.spoke);
      if (!s) continue;
      const old = (s['binding:profile']?.[STATUS_KEY] ?? {}) as Record<string, JsonValue>;
      const hubOld = (old[p.hub] ?? {}) as Record<string, JsonValue>;
      // a spoke never reported and never seen has nothing to say (a new mesh of 1,000 makes no writes)
      if (old[p.hub] === undefined && p.lastHandshakeSec === 0) continue;
      if (budget <= 0) break;
      const last = this.lastStatus.get(key);
      const flipped = (hubOld.up ?? false) !== p.up;
      const due =
        last === undefined ? hubOld.latest_handshake !== p.lastHandshakeSec : now - last.at >= every;
      const moved = hubOld.latest_handshake !== p.lastHandshakeSec || hubOld.rx_bytes !== p.rxBytes;
      if (!flipped && !(due && moved)) continue;
      this.lastStatus.set(key, { at: now, up: p.up });
      budget--;
      act(`spoke ${p.spoke}: status ${p.up ? 'up' : 'down'} on hub ${p.hub}`);
      if (dry) continue;
      const fresh = await ports.get(this.net, s.id);
      const st = { ...((fresh['binding:profile']?.[STATUS_KEY] ?? {}) as Record<string, JsonValue>) };
      st[p.hub] = {
        up: p.up,
        latest_handshake: p.lastHandshakeSec,
        rx_bytes: p.rxBytes,
        tx_bytes: p.txBytes,
        checked_at: Math.floor(now / 1000),
      };
      await this.mergeProfile(fresh, { [STATUS_KEY]: st });
    }
  }

  /** Read-modify-write of binding:profile under If-Match (a 412 re-reads once): other keys are kept. */
  private async mergeProfile(port: Port, patch: Record<string, JsonValue | undefined>): Promise<void> {
    let p = port;
    for (let attempt = 0; ; attempt++) {
      const profile: Record<string, JsonValue> = { ...(p['binding:profile'] ?? {}) };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete profile[k];
        else profile[k] = v;
      }
      try {
        await ports.update(this.net, p.id, { 'binding:profile': profile }, { ifMatch: p.revision_number });
        return;
      } catch (e) {
        if (!(e instanceof PreconditionFailedError) || attempt > 2) throw e;
        p = await ports.get(this.net, p.id);
      }
    }
  }
}

/** The host's address for reaching the outside (the default route's source), for hub endpoints. */
export async function detectEndpointAddress(exec = new Devices().exec): Promise<string> {
  for (const probe of ['192.0.2.1', '2001:db8::1']) {
    try {
      const { stdout } = await exec.read(['ip', '-j', 'route', 'get', probe]);
      const [r] = JSON.parse(stdout) as { prefsrc?: string }[];
      if (r?.prefsrc && isIP(r.prefsrc)) return r.prefsrc;
    } catch {
      // no route of this family
    }
  }
  throw new OsnetError(
    'OSNET_ERR_CONFIG',
    'no default route to take the endpoint address from: give --endpoint-address',
    {
      field: 'endpoint-address',
    },
  );
}

/** UDP ports bound in the root namespace (/proc/net/udp and udp6: local address column, port in hex). */
export async function udpPortsInUse(): Promise<Set<number>> {
  const out = new Set<number>();
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(f, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const port = line.trim().split(/\s+/)[1]?.split(':')[1];
      if (port) out.add(Number.parseInt(port, 16));
    }
  }
  return out;
}
