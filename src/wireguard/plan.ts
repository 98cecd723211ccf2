/**
 * The difference between what a WireGuard device holds (one UAPI `get`) and what its hub should hold, as one
 * change: added peers, peers updated in place (`update_only`, only the fields that differ) and removed peers.
 * Nothing unchanged is sent, so an unchanged pass resets no handshake.
 *
 * @example
 *   const change = planDevice(dev, { want, endpoints, listenPort: 51820 });
 *   if (!isEmptyChange(change)) console.log(describeChange(change));
 */

import type { WantPeer } from './desired.ts';
import type { DeviceChange, PeerChange } from './device.ts';
import type { UapiDevice } from './uapi.ts';

export interface DeviceWant {
  /** Absent on a dry run before the key exists. */
  privateKey?: string | undefined;
  keyFile: string;
  listenPort: number;
  want: Map<string, WantPeer>;
  /** Declared spoke endpoints as last applied: a peer that roamed is not pulled back unless Neutron changed. */
  endpoints: Record<string, string>;
}

export function planDevice(dev: UapiDevice, w: DeviceWant): DeviceChange {
  const change: DeviceChange = { peers: [] };
  if (w.privateKey && dev.privateKey !== w.privateKey) {
    change.privateKey = w.privateKey;
    change.privateKeyFile = w.keyFile;
  }
  if (dev.listenPort !== w.listenPort) change.listenPort = w.listenPort;
  for (const [pub, p] of w.want) {
    const have = dev.peers.get(pub);
    const declared = p.endpoint !== undefined && w.endpoints[pub] !== p.endpoint ? p.endpoint : undefined;
    if (!have) {
      change.peers.push({
        publicKey: pub,
        allowedIps: p.allowedIps,
        keepalive: p.keepalive,
        ...(p.endpoint ? { endpoint: p.endpoint } : {}),
        ...(p.presharedKey ? { presharedKey: p.presharedKey, presharedKeyFile: p.presharedKeyFile } : {}),
      });
      continue;
    }
    const pc: PeerChange = { publicKey: pub, updateOnly: true };
    if ([...have.allowedIps].sort().join() !== p.allowedIps.join()) pc.allowedIps = p.allowedIps;
    if (have.keepalive !== p.keepalive) pc.keepalive = p.keepalive;
    if ((have.presharedKey ?? null) !== (p.presharedKey ?? null)) {
      pc.presharedKey = p.presharedKey ?? null;
      pc.presharedKeyFile = p.presharedKeyFile ?? null;
    }
    if (declared) pc.endpoint = declared;
    if (Object.keys(pc).length > 2) change.peers.push(pc);
  }
  for (const pub of dev.peers.keys())
    if (!w.want.has(pub)) change.peers.push({ publicKey: pub, remove: true });
  return change;
}

/** One line for the pass's actions: `private key, listen port 51820, 3 peer(s) added, 1 removed`. */
export function describeChange(change: DeviceChange): string {
  const added = change.peers.filter((p) => !p.remove && !p.updateOnly).length;
  const removed = change.peers.filter((p) => p.remove).length;
  const updated = change.peers.length - added - removed;
  return [
    change.privateKey ? 'private key' : '',
    change.listenPort ? `listen port ${change.listenPort}` : '',
    added ? `${added} peer(s) added` : '',
    removed ? `${removed} removed` : '',
    updated ? `${updated} updated` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
