/**
 * openstack-port-cni, one invocation: VERSION answers at once; ADD, DEL, CHECK, GC and STATUS go to the
 * daemon (protocol.ts) for the Neutron side and to the delegate (ovs-cni by default) for the attach.
 * Whatever fails is printed as the spec's error JSON in the runtime's version, with a non-zero exit.
 *
 * @example
 *   const { stdout, exitCode } = await runPlugin(process.env, stdinBytes);
 */
import type { CallArgs } from './args.ts';
import {
  type CacheEntry,
  cacheDir,
  listEntries,
  readEntry,
  removeEntry,
  writeEntry,
} from './attachment-cache.ts';
import type { PluginConfig } from './config.ts';
import { callDaemon, DaemonUnreachable } from './daemon-client.ts';
import {
  addDelegate,
  type Delegate,
  delegateSpeaks,
  delegateVersion,
  openDelegate,
  runDelegate,
} from './delegate.ts';
import { buildDelegateConfig, DEFAULT_BRIDGE, resultFromPort, withPrevResult } from './delegate-config.ts';
import { CNI_ERR, CniError } from './errors.ts';
import type { JsonObject } from './fields.ts';
import { errorOutput, parseInvocation } from './invocation.ts';
import { mergePrevResult, portFromResult, validatePort } from './port-info.ts';
import type {
  AddRequest,
  AttachmentKey,
  CheckResponse,
  DelResponse,
  GcResponse,
  PortInfo,
  StatusResponse,
} from './protocol.ts';
import { PROTOCOL_ROUTES } from './protocol.ts';
import { type CniResult, formatResult } from './result.ts';
import type { CniVersion } from './versions.ts';

export interface PluginOutput {
  stdout: string;
  exitCode: number;
}

type Env = Readonly<Record<string, string | undefined>>;

interface Call {
  cfg: PluginConfig;
  env: Env;
  path: string[];
  key?: AttachmentKey;
  netns?: string;
  cache: string;
}

/** How many queued releases one DEL, GC or STATUS hands to the daemon at most. */
const FLUSH_LIMIT = 8;

export async function runPlugin(env: Env, stdin: string | Uint8Array): Promise<PluginOutput> {
  try {
    const inv = parseInvocation(env, stdin);
    if (inv.command === 'VERSION') return { stdout: `${JSON.stringify(inv.answer)}\n`, exitCode: 0 };
    const call: Call = { cfg: inv.config, env, path: inv.env.path, cache: cacheDir(env) };
    if (inv.env.containerId !== undefined && inv.env.ifname !== undefined) {
      call.key = {
        container_id: inv.env.containerId,
        ifname: inv.env.ifname,
        network_id: inv.config.networkId,
      };
    }
    if (inv.env.netns !== undefined) call.netns = inv.env.netns;
    switch (inv.command) {
      case 'ADD': {
        const result = await add(call, addRequest(call, inv.args));
        return { stdout: `${JSON.stringify(result)}\n`, exitCode: 0 };
      }
      case 'DEL':
        await del(call);
        return { stdout: '', exitCode: 0 };
      case 'CHECK':
        await check(call);
        return { stdout: '', exitCode: 0 };
      case 'GC':
        await gc(call);
        return { stdout: '', exitCode: 0 };
      case 'STATUS':
        await status(call);
        return { stdout: '', exitCode: 0 };
    }
  } catch (err) {
    return { stdout: `${JSON.stringify(errorOutput(err, stdin))}\n`, exitCode: 1 };
  }
}

function addRequest(call: Call, args: CallArgs): AddRequest {
  const { cfg } = call;
  const req: AddRequest = { ...call.key! };
  if (call.netns !== undefined) req.netns = call.netns;
  if (cfg.subnetId !== undefined) req.subnet_id = cfg.subnetId;
  if (cfg.securityGroupIds !== undefined) req.security_group_ids = cfg.securityGroupIds;
  const mac = args.mac ?? cfg.runtimeConfig?.mac;
  if (mac !== undefined) req.mac = mac.toLowerCase();
  const ips = args.ips ?? cfg.runtimeConfig?.ips;
  if (ips !== undefined) req.ips = ips;
  if (Object.keys(args.k8s).length > 0) {
    req.pod = {
      ...(args.k8s.namespace ? { namespace: args.k8s.namespace } : {}),
      ...(args.k8s.name ? { name: args.k8s.name } : {}),
      ...(args.k8s.uid ? { uid: args.k8s.uid } : {}),
    };
  }
  if (args.labels !== undefined) req.labels = args.labels;
  const group = policyGroup(cfg, args);
  if (group !== undefined) req.policy_group_id = group;
  if (cfg.mtu !== undefined) req.mtu = cfg.mtu;
  return req;
}

/**
 * The app the pod belongs to, for policy: `runtimeConfig.policy_group_id` (what the runtime says for this
 * call), else `metadata.policy_group_id` (seed 003: garden-external-networker's CF metadata), else the
 * label `policy_group_id` from args.cni. The most specific source wins; an empty value means none.
 */
function policyGroup(cfg: PluginConfig, args: CallArgs): string | undefined {
  const fromRuntime = cfg.runtimeConfig?.raw.policy_group_id;
  if (fromRuntime !== undefined && typeof fromRuntime !== 'string')
    throw new CniError(CNI_ERR.INVALID_CONFIG, 'runtimeConfig.policy_group_id must be a string', {
      field: 'runtimeConfig.policy_group_id',
    });
  for (const g of [
    fromRuntime,
    cfg.metadata?.policy_group_id,
    args.labels?.find((l) => l.key === 'policy_group_id')?.value,
  ])
    if (typeof g === 'string' && g !== '') return g;
  return undefined;
}

function sandboxOf(r: CniResult, ifname: string): { mac?: string } | undefined {
  return (
    r.interfaces?.find((i) => i.name === ifname && i.sandbox !== undefined) ??
    r.interfaces?.find((i) => i.name === ifname)
  );
}

/** The delegate must have attached what Neutron has: the same MAC and the same addresses. */
function assertAgrees(delegate: CniResult, port: PortInfo, ifname: string, who: string): void {
  const mac = sandboxOf(delegate, ifname)?.mac;
  if (mac !== undefined && mac.toLowerCase() !== port.mac.toLowerCase()) {
    throw new CniError(
      CNI_ERR.INTERNAL,
      `${who} set MAC ${mac} on ${ifname}, but the Neutron port has ${port.mac}`,
    );
  }
  if (delegate.ips !== undefined) {
    const got = delegate.ips.map((i) => i.address).sort();
    const want = port.ips.map((i) => i.address).sort();
    if (got.join(',') !== want.join(',')) {
      throw new CniError(
        CNI_ERR.INTERNAL,
        `${who} configured [${got.join(', ')}], but the Neutron port has [${want.join(', ')}]`,
      );
    }
  }
}

async function add(call: Call, req: AddRequest): Promise<JsonObject> {
  const { cfg } = call;
  const key = call.key!;
  // everything that can fail without a port is checked before the daemon creates one
  const delegate = await openDelegate(cfg.delegatePlugin, call.path, call.env);
  const version = await delegateVersion(delegate, cfg.cniVersion, 'ADD');
  const answer = await callDaemon<unknown>(cfg.socketPath, PROTOCOL_ROUTES.add, req);
  let conf: JsonObject | undefined;
  try {
    // from here on a port exists: every failure releases it
    const port = validatePort(answer);
    conf = buildDelegateConfig(cfg, port, version);
    // the entry's fsync runs beside the attach: a DEL that finds no entry (a crash before it was written)
    // rebuilds the delegate config, so nothing depends on the order. Both are awaited before any undo, so
    // an undo's removeEntry can never be overtaken by the write
    const written = writeEntry(call.cache, {
      key,
      port_id: port.port_id,
      mac: port.mac,
      delegateConfig: conf,
    });
    const [entry, attach] = await Promise.allSettled([written, addDelegate(delegate, conf)]);
    if (attach.status === 'rejected') throw attach.reason;
    if (entry.status === 'rejected') throw entry.reason;
    const got = attach.value;
    assertAgrees(got, port, key.ifname, `delegate ${delegate.type}`);
    const ours = resultFromPort(got, port, key.ifname, call.netns);
    const result = cfg.prevResult ? mergePrevResult(cfg.prevResult.result, ours) : ours;
    return formatResult(result, cfg.cniVersion);
  } catch (err) {
    await undoAdd(call, delegate, conf);
    throw err;
  }
}

/** A failed ADD leaves nothing behind: the delegate's partial attach, the port, the cache entry. */
async function undoAdd(call: Call, delegate: Delegate, conf: JsonObject | undefined): Promise<void> {
  if (conf !== undefined) await runDelegate(delegate, 'DEL', conf).catch(() => undefined);
  const released = await callDaemon<DelResponse>(call.cfg.socketPath, PROTOCOL_ROUTES.del, call.key!, {
    timeoutMs: 30_000,
  }).then(
    () => true,
    () => false,
  );
  if (released) await removeEntry(call.cache, call.key!).catch(() => undefined);
  else if (conf !== undefined) await markPending(call, call.key!, conf);
}

async function markPending(
  call: Call,
  key: AttachmentKey,
  conf: JsonObject,
  had?: CacheEntry,
): Promise<void> {
  const args = (conf.args as { cni?: { ovnPort?: string; mac?: string } } | undefined)?.cni;
  await writeEntry(call.cache, {
    key,
    port_id: had?.port_id ?? args?.ovnPort ?? '',
    mac: had?.mac ?? args?.mac ?? '',
    delegateConfig: conf,
    pendingRelease: true,
  }).catch(() => undefined);
}

/** The config DEL, CHECK, GC and STATUS give the delegate when no cache entry says what ADD used. */
function bareDelegateConfig(cfg: PluginConfig, version: CniVersion): JsonObject {
  return {
    cniVersion: version,
    name: cfg.name,
    bridge: cfg.bridge ?? DEFAULT_BRIDGE,
    ...(cfg.socketFile === undefined ? {} : { socket_file: cfg.socketFile }),
    ...(cfg.mtu === undefined ? {} : { mtu: cfg.mtu }),
    ...(cfg.delegate ?? {}),
    type: cfg.delegatePlugin,
  };
}

async function del(call: Call): Promise<void> {
  const { cfg } = call;
  const key = call.key!;
  const entry = await readEntry(call.cache, key);
  const delegate = await openDelegate(cfg.delegatePlugin, call.path, call.env);
  const conf =
    entry?.delegateConfig ?? bareDelegateConfig(cfg, await delegateVersion(delegate, cfg.cniVersion, 'DEL'));
  if (!entry?.pendingRelease) await runDelegate(delegate, 'DEL', conf);
  try {
    await callDaemon<DelResponse>(cfg.socketPath, PROTOCOL_ROUTES.del, key, { timeoutMs: 60_000 });
  } catch (err) {
    if (err instanceof DaemonUnreachable) {
      // the interface is gone; the port is released by a later DEL, GC or STATUS (or the daemon's own GC)
      await markPending(call, key, conf, entry);
      return;
    }
    // the daemon has no record of it: nothing left to release
    if (!(err instanceof CniError && err.code === CNI_ERR.UNKNOWN_CONTAINER)) throw err;
  }
  await removeEntry(call.cache, key);
  await flushPending(call, key);
}

/** Hands releases the daemon missed while it was down to it again; best effort. */
async function flushPending(call: Call, except?: AttachmentKey): Promise<void> {
  const pending = (await listEntries(call.cache)).filter(
    (e) =>
      e.pendingRelease &&
      !(
        except &&
        e.key.container_id === except.container_id &&
        e.key.ifname === except.ifname &&
        e.key.network_id === except.network_id
      ),
  );
  for (const e of pending.slice(0, FLUSH_LIMIT)) {
    try {
      await callDaemon<DelResponse>(call.cfg.socketPath, PROTOCOL_ROUTES.del, e.key, { timeoutMs: 10_000 });
    } catch (err) {
      if (err instanceof DaemonUnreachable) return;
      if (!(err instanceof CniError && err.code === CNI_ERR.UNKNOWN_CONTAINER)) continue;
    }
    await removeEntry(call.cache, e.key).catch(() => undefined);
  }
}

async function check(call: Call): Promise<void> {
  const { cfg } = call;
  const key = call.key!;
  const prev = cfg.prevResult!;
  const iface = sandboxOf(prev.result, key.ifname);
  const ips = (prev.result.ips ?? []).map((i) => i.address);
  const answer = await callDaemon<CheckResponse>(
    cfg.socketPath,
    PROTOCOL_ROUTES.check,
    { ...key, ...(iface?.mac ? { mac: iface.mac.toLowerCase() } : {}), ips },
    { timeoutMs: 60_000 },
  );
  const entry = await readEntry(call.cache, key);
  if (entry?.pendingRelease) {
    throw new CniError(CNI_ERR.UNKNOWN_CONTAINER, `${key.container_id}/${key.ifname} was deleted`);
  }
  if (entry && entry.port_id !== answer.port_id) {
    throw new CniError(
      CNI_ERR.INTERNAL,
      `the attachment was made with port ${entry.port_id}, but the daemon now has ${answer.port_id}`,
    );
  }
  const delegate = await openDelegate(cfg.delegatePlugin, call.path, call.env);
  let conf = entry?.delegateConfig;
  if (conf === undefined) {
    const port = portFromResult(prev.result, answer.port_id, key.ifname, cfg.mtu);
    conf = buildDelegateConfig(cfg, port, await delegateVersion(delegate, cfg.cniVersion, 'CHECK'));
  }
  const version = String(conf.cniVersion) as CniVersion;
  // a delegate that ADD had to call below 0.4.0 has no CHECK
  if (version === '0.3.0' || version === '0.3.1') return;
  await runDelegate(delegate, 'CHECK', withPrevResult(conf, formatResult(prev.result, version)));
}

async function gc(call: Call): Promise<void> {
  const { cfg } = call;
  const valid = cfg.validAttachments!;
  let first: unknown;
  try {
    const delegate = await openDelegate(cfg.delegatePlugin, call.path, call.env);
    if (await delegateSpeaks(delegate, '1.1.0')) {
      const conf = bareDelegateConfig(cfg, '1.1.0');
      conf['cni.dev/valid-attachments'] = valid;
      await runDelegate(delegate, 'GC', conf);
    }
  } catch (err) {
    first = err;
  }
  try {
    await callDaemon<GcResponse>(
      cfg.socketPath,
      PROTOCOL_ROUTES.gc,
      { network_id: cfg.networkId, valid_attachments: valid },
      { timeoutMs: 120_000 },
    );
    const keep = new Set(valid.map((a) => `${a.containerID}\0${a.ifname}`));
    for (const e of await listEntries(call.cache, cfg.networkId)) {
      if (!keep.has(`${e.key.container_id}\0${e.key.ifname}`)) await removeEntry(call.cache, e.key);
    }
    await flushPending(call);
  } catch (err) {
    first ??= err;
  }
  if (first !== undefined) throw first;
}

async function status(call: Call): Promise<void> {
  const { cfg } = call;
  const s = await callDaemon<StatusResponse>(
    cfg.socketPath,
    PROTOCOL_ROUTES.status,
    {},
    {
      timeoutMs: 10_000,
      unreachableCode: CNI_ERR.NOT_AVAILABLE,
    },
  ).catch((err: unknown) => {
    if (err instanceof DaemonUnreachable) throw err;
    throw new CniError(CNI_ERR.NOT_AVAILABLE, `daemon is not ready: ${(err as Error).message}`);
  });
  if (!s.ready || !s.keystone || !s.neutron) {
    const down = [!s.keystone && 'Keystone', !s.neutron && 'Neutron'].filter(Boolean).join(' and ');
    throw new CniError(
      CNI_ERR.NOT_AVAILABLE,
      `the daemon cannot create ports: ${down ? `${down} unreachable` : 'not ready'}${s.message ? ` (${s.message})` : ''}`,
    );
  }
  // STATUS needs no CNI_PATH; without one there is no delegate to ask
  if (call.path.length > 0) {
    const delegate = await openDelegate(cfg.delegatePlugin, call.path, call.env);
    if (await delegateSpeaks(delegate, '1.1.0'))
      await runDelegate(delegate, 'STATUS', bareDelegateConfig(cfg, '1.1.0'));
  }
  await flushPending(call);
}
