/**
 * Per-spoke tunnel status: from what the device reports (latest handshake, bytes), up while the handshake
 * is recent; written back to the spoke's profile (`osnet_wg_status`) at once when up/down flips, otherwise
 * at most once per interval and a bounded number per pass, so 1,000 spokes never mean 1,000 writes a pass.
 *
 * @example
 *   const writer = new StatusWriter(net, { intervalMs: 300_000, perPass: 20 });
 *   await writer.write(peerStatuses(hubId, want, dev, 180), spokes, act, false);
 */
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { ports } from '../openstack/networking/v2/index.ts';
import type { JsonValue } from '../openstack/networking/v2/ports/results.ts';
import type { SpokePort, WantPeer } from './desired.ts';
import { STATUS_KEY } from './model.ts';
import { mergeProfile } from './profile-write.ts';
import type { UapiDevice } from './uapi.ts';

export interface PeerStatus {
  hub: string;
  spoke: string;
  publicKey: string;
  lastHandshakeSec: number;
  rxBytes: number;
  txBytes: number;
  up: boolean;
}

/** The status of each wanted peer of a hub, from the device's counters (`dev` as read this pass). */
export function peerStatuses(
  hubId: string,
  want: Map<string, WantPeer>,
  dev: UapiDevice,
  upAfterSec: number,
  nowSec = Date.now() / 1000,
): PeerStatus[] {
  const out: PeerStatus[] = [];
  for (const [pub, w] of want) {
    const p = dev.peers.get(pub);
    const age = p && p.lastHandshakeSec > 0 ? nowSec - p.lastHandshakeSec : Number.POSITIVE_INFINITY;
    out.push({
      hub: hubId,
      spoke: w.spoke,
      publicKey: pub,
      lastHandshakeSec: p?.lastHandshakeSec ?? 0,
      rxBytes: p?.rxBytes ?? 0,
      txBytes: p?.txBytes ?? 0,
      up: age < upAfterSec,
    });
  }
  return out;
}

export interface StatusWriterOptions {
  /** Shortest time between two write-backs of one spoke, ms; 0 disables them. */
  intervalMs: number;
  /** Most write-backs in one pass; the others wait for later passes. */
  perPass: number;
}

export class StatusWriter {
  private readonly net: ServiceClient;
  private readonly opts: StatusWriterOptions;
  private readonly last = new Map<string, { at: number; up: boolean }>();

  constructor(net: ServiceClient, opts: StatusWriterOptions) {
    this.net = net;
    this.opts = opts;
  }

  /** Status back to each spoke's profile: on an up/down change, else at most once per interval. */
  async write(
    peers: PeerStatus[],
    spokes: Map<string, SpokePort>,
    act: (s: string) => void,
    dry: boolean,
  ): Promise<void> {
    const every = this.opts.intervalMs;
    if (every === 0) return;
    const now = Date.now();
    // each write is a read and an update of one port: a bounded number per pass, the rest on later passes
    let budget = this.opts.perPass;
    for (const p of peers) {
      const key = `${p.hub}/${p.spoke}`;
      const s = spokes.get(p.spoke);
      if (!s) continue;
      const old = (s['binding:profile']?.[STATUS_KEY] ?? {}) as Record<string, JsonValue>;
      const hubOld = (old[p.hub] ?? {}) as Record<string, JsonValue>;
      // a spoke never reported and never seen has nothing to say (a new mesh of 1,000 makes no writes)
      if (old[p.hub] === undefined && p.lastHandshakeSec === 0) continue;
      if (budget <= 0) break;
      const last = this.last.get(key);
      const flipped = (hubOld.up ?? false) !== p.up;
      const due =
        last === undefined ? hubOld.latest_handshake !== p.lastHandshakeSec : now - last.at >= every;
      const moved = hubOld.latest_handshake !== p.lastHandshakeSec || hubOld.rx_bytes !== p.rxBytes;
      if (!flipped && !(due && moved)) continue;
      this.last.set(key, { at: now, up: p.up });
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
      await mergeProfile(this.net, fresh, { [STATUS_KEY]: st });
    }
  }
}
