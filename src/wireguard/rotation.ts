/**
 * Key rotation on the host (`osnet wg rotate`): WireGuard gives an interface one key, so the new key runs on
 * a second interface and port beside the old one. During the overlap the old interface keeps the hub's
 * prefixes and spokes that already speak the new key get host routes through the new interface; once the
 * overlap is over the old interface and key go.
 *
 * @example
 *   const r = await advanceRotation(ctx, { hub, hs, state, store, privateKey, netns });
 *   if (r.overlapping) await syncOldInterface(ctx, hub.id, { hs, netns, want, addresses, oldKeyFile: r.oldKeyFile }, dev);
 */
import { readFile, rm } from 'node:fs/promises';
import { writeAtomic } from '../host/files.ts';
import type { JsonValue, Port } from '../openstack/networking/v2/ports/results.ts';
import { type ApplyContext, syncHostRoutes, syncInterface } from './apply.ts';
import type { WantPeer } from './desired.ts';
import { allocatePort } from './host-info.ts';
import { otherInterfaceName, parseRotation, ROTATION_KEY, type RotationRequest } from './model.ts';
import type { AgentState, HubState, StateStore } from './state.ts';
import type { UapiDevice } from './uapi.ts';

export interface RotationStep {
  /** The key the hub's current interface should hold (the new one once a rotation started). */
  privateKey: string | undefined;
  req: RotationRequest | undefined;
  /** What the hub's profile should say under osnet_wg_rotation. */
  rotationOut: Record<string, JsonValue> | undefined;
  overlapping: boolean;
  /** The old interface was retired this pass. */
  retired: boolean;
  oldKeyFile: string;
}

/** Starts a requested rotation (new key, other interface, new port) or retires the old key once over. */
export async function advanceRotation(
  ctx: ApplyContext,
  o: {
    hub: Port;
    hs: HubState;
    state: AgentState;
    store: StateStore;
    privateKey: string | undefined;
    netns: string;
  },
): Promise<RotationStep> {
  const { hub, hs } = o;
  let privateKey = o.privateKey;
  const req = parseRotation(hub['binding:profile']?.[ROTATION_KEY]);
  const nowSec = Math.floor(Date.now() / 1000);
  const oldKeyFile = `${o.store.keyFile(hub.id)}.old`;
  let rotationOut: Record<string, JsonValue> | undefined = req?.raw;
  if (req && req.done_at === undefined && privateKey && hs.rotation?.requestedAt !== req.requested_at) {
    ctx.act(`hub ${hub.id}: rotate its key (overlap ${req.overlap_seconds} s)`);
    if (!ctx.dry) {
      await writeAtomic(oldKeyFile, `${privateKey}\n`, 0o600);
      hs.rotation = {
        requestedAt: req.requested_at,
        until: req.requested_at + req.overlap_seconds,
        oldIfname: hs.ifname,
        oldPort: hs.listenPort,
      };
      hs.ifname = otherInterfaceName(hub.id, hs.ifname);
      hs.listenPort = await allocatePort(o.state, hub.id);
      privateKey = await o.store.newKey(hub.id);
    }
  }
  const rot = hs.rotation;
  let retired = false;
  const overlapping = rot !== undefined && nowSec < rot.until;
  if (rot && !overlapping) {
    ctx.act(`hub ${hub.id}: rotation overlap over: retire ${rot.oldIfname} and the old key`);
    if (!ctx.dry) {
      const w = await ctx.devices.locate(rot.oldIfname, [o.netns]);
      if (w) await ctx.devices.remove(rot.oldIfname, w.ns);
      await rm(oldKeyFile, { force: true });
      hs.rotation = undefined;
      retired = true;
      rotationOut = { ...(req?.raw ?? {}), done_at: nowSec };
    }
  } else if (rot && req && req.raw.until !== rot.until) rotationOut = { ...req.raw, until: rot.until };
  return { privateKey, req, rotationOut, overlapping, retired, oldKeyFile };
}

/**
 * During an overlap: the old interface (old key and port) with every peer and the hub's prefixes, host
 * routes through the new interface for spokes that handshook on it, and in `dev` (the new interface's
 * peers) each peer's latest handshake from whichever interface saw it last.
 */
export async function syncOldInterface(
  ctx: ApplyContext,
  hubId: string,
  o: {
    hs: HubState;
    netns: string;
    want: Map<string, WantPeer>;
    addresses: string[];
    previousNs?: string | undefined;
    oldKeyFile: string;
  },
  dev: UapiDevice,
): Promise<void> {
  const rot = o.hs.rotation!;
  const oldKey = (await readFile(o.oldKeyFile, 'utf8').catch(() => '')).trim() || undefined;
  const old = await syncInterface(ctx, hubId, {
    ifname: rot.oldIfname,
    netns: o.netns,
    privateKey: oldKey,
    keyFile: o.oldKeyFile,
    listenPort: rot.oldPort,
    want: o.want,
    endpoints: o.hs.endpoints,
    addresses: o.addresses,
    previousNs: o.previousNs,
  });
  // spokes already on the new key: their replies must leave by the new interface
  const moved = [...o.want].filter(([pub]) => (dev.peers.get(pub)?.lastHandshakeSec ?? 0) > 0);
  const spokeIps = moved.flatMap(([, w]) =>
    w.allowedIps.filter((a) => /\/(32|128)$/.test(a)).map((a) => a.split('/')[0]!),
  );
  await syncHostRoutes(ctx, hubId, o.hs.ifname, o.netns, spokeIps);
  for (const [pub, p] of old.peers) {
    const d = dev.peers.get(pub);
    if (d && p.lastHandshakeSec > d.lastHandshakeSec) dev.peers.set(pub, { ...p, allowedIps: d.allowedIps });
  }
}
