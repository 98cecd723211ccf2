/**
 * The cross-platform userspace API of WireGuard (wireguard.com/xplatform) on a device's Unix socket
 * (`/var/run/wireguard/<ifname>.sock`, wireguard-go): one `get` reads the device and every peer, one
 * `set` carries any number of peer changes, so 1,000 peers are one write.
 *
 * @example
 *   const dev = await uapiGet('wg-0123abcd4567');
 *   await uapiSet('wg-0123abcd4567', ['public_key=…', 'update_only=true', 'persistent_keepalive_interval=25']);
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { OsnetError } from '../lib/errors.ts';
import { hexToKey } from './keys.ts';

export const SOCKET_DIR = process.env.OSNET_WG_SOCKET_DIR ?? '/var/run/wireguard';

export function socketPath(ifname: string): string {
  return join(SOCKET_DIR, `${ifname}.sock`);
}

export interface UapiPeer {
  publicKey: string;
  presharedKey?: string;
  endpoint?: string;
  keepalive: number;
  allowedIps: string[];
  lastHandshakeSec: number;
  rxBytes: number;
  txBytes: number;
}

export interface UapiDevice {
  privateKey?: string;
  listenPort?: number;
  peers: Map<string, UapiPeer>;
}

const ZERO = '0'.repeat(64);

/**
 * wireguard-go creates its socket file a moment before it serves it (seen as ECONNRESET): a connection refused,
 * reset or closed before any answer arrived is tried again (every `set` osnet sends is idempotent), up to
 * about a second. An answer, even a partial one, is never asked for twice.
 */
async function exchange(ifname: string, request: string, timeoutMs = 10_000): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await exchangeOnce(ifname, request, timeoutMs);
    } catch (e) {
      if ((e as OsnetError).details?.unanswered !== true || attempt >= 8) throw e;
      await new Promise((r) => setTimeout(r, 25 * attempt));
    }
  }
}

function exchangeOnce(ifname: string, request: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath(ifname));
    let buf = '';
    const timer = setTimeout(() => s.destroy(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(request));
    s.on('data', (d: string) => {
      buf += d;
      // every answer ends with errno=N and an empty line
      if (/(^|\n)errno=-?[0-9]+\n\n$/.test(buf)) {
        clearTimeout(timer);
        s.end();
        resolve(buf);
      }
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new OsnetError('OSNET_ERR_WG_UAPI', `${ifname}: UAPI socket: ${e.message}`, {
          cause: e,
          unanswered: buf.length === 0 && !/timeout|no answer/i.test(e.message),
        }),
      );
    });
    s.on('close', () => {
      clearTimeout(timer);
      reject(
        new OsnetError('OSNET_ERR_WG_UAPI', `${ifname}: UAPI socket closed before the answer ended`, {
          unanswered: buf.length === 0,
        }),
      );
    });
  });
}

function errnoOf(ifname: string, answer: string): void {
  const m = /errno=(-?[0-9]+)\n\n$/.exec(answer);
  if (m?.[1] !== '0')
    throw new OsnetError('OSNET_ERR_WG_UAPI', `${ifname}: the device answered errno=${m?.[1] ?? '?'}`);
}

/** Reads the device and its peers. */
export async function uapiGet(ifname: string): Promise<UapiDevice> {
  const answer = await exchange(ifname, 'get=1\n\n');
  errnoOf(ifname, answer);
  const dev: UapiDevice = { peers: new Map() };
  let peer: UapiPeer | undefined;
  for (const line of answer.split('\n')) {
    const i = line.indexOf('=');
    if (i < 0) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 1);
    if (k === 'public_key') {
      peer = {
        publicKey: hexToKey(v),
        keepalive: 0,
        allowedIps: [],
        lastHandshakeSec: 0,
        rxBytes: 0,
        txBytes: 0,
      };
      dev.peers.set(peer.publicKey, peer);
    } else if (!peer) {
      if (k === 'private_key' && v !== ZERO) dev.privateKey = hexToKey(v);
      else if (k === 'listen_port') dev.listenPort = Number(v);
    } else if (k === 'preshared_key') {
      if (v !== ZERO) peer.presharedKey = hexToKey(v);
    } else if (k === 'endpoint') peer.endpoint = v;
    else if (k === 'persistent_keepalive_interval') peer.keepalive = Number(v);
    else if (k === 'allowed_ip') peer.allowedIps.push(v);
    else if (k === 'last_handshake_time_sec') peer.lastHandshakeSec = Number(v);
    else if (k === 'rx_bytes') peer.rxBytes = Number(v);
    else if (k === 'tx_bytes') peer.txBytes = Number(v);
  }
  return dev;
}

/** One `set` transaction of `lines` (key=value, keys in hex as the protocol wants). */
export async function uapiSet(ifname: string, lines: string[]): Promise<void> {
  for (const l of lines)
    if (/\n/.test(l)) throw new OsnetError('OSNET_ERR_INTERNAL', `${ifname}: UAPI line with a newline`);
  errnoOf(ifname, await exchange(ifname, `set=1\n${lines.join('\n')}\n\n`, 30_000));
}
