/**
 * `osnet wg export`: a wg-quick config for a spoke device, from Neutron alone. The device's private key
 * never passes through osnet: the config carries a placeholder, or a key the operator hands in from the
 * device. The PSK goes in only when the operator can read its file.
 *
 * @example
 *   const conf = await exportSpoke(net, spokeId, { privateKey });
 *   await writeQrPng('/tmp/spoke.png', conf);
 */
import { readFile } from 'node:fs/promises';
import { OsnetError } from '../lib/errors.ts';
import { collect } from '../openstack/client/pagination.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { ports, subnets } from '../openstack/networking/v2/index.ts';
import { isKey } from './keys.ts';
import { formatEndpoint, HUB_OWNER, parseHubProfile, parseSpokeProfile } from './model.ts';
import { getTunnelPort } from './neutron.ts';

export const PRIVATE_KEY_PLACEHOLDER = '<the device private key: wg genkey on the device>';

export interface ExportOptions {
  /** The device's own private key (operator-supplied); else a placeholder. */
  privateKey?: string;
  /** A PSK the operator holds (base64); else read from the spoke's file reference when readable. */
  presharedKey?: string;
}

export async function readPskRef(ref: string): Promise<string> {
  const key = (await readFile(ref.slice('file:'.length), 'utf8')).trim();
  if (!isKey(key))
    throw new OsnetError('OSNET_ERR_VALIDATION', `${ref}: does not hold a base64 32-byte key`, {
      field: 'binding:profile.preshared_key',
    });
  return key;
}

/** The wg-quick config text of a spoke. */
export async function exportSpoke(
  net: ServiceClient,
  spokeId: string,
  o: ExportOptions = {},
): Promise<string> {
  if (o.privateKey !== undefined && !isKey(o.privateKey))
    throw new OsnetError(
      'OSNET_ERR_VALIDATION',
      'private key: must be a WireGuard key (base64 of 32 bytes)',
      {
        field: 'private-key',
      },
    );
  const spoke = await getTunnelPort(net, spokeId, 'spoke');
  const sp = parseSpokeProfile(spoke['binding:profile']);
  if (!sp.ok)
    throw new OsnetError('OSNET_ERR_VALIDATION', `spoke ${spokeId}: ${sp.field}: ${sp.reason}`, {
      field: sp.field,
    });
  const hubs = await collect(ports.list(net, { ids: sp.value.peers, device_owner: HUB_OWNER }));
  const subnetIds = [
    ...new Set([...spoke.fixed_ips, ...hubs.flatMap((h) => h.fixed_ips)].map((f) => f.subnet_id)),
  ];
  const cidr = new Map((await collect(subnets.list(net, { ids: subnetIds }))).map((s) => [s.id, s.cidr]));
  const psk =
    o.presharedKey ??
    (sp.value.presharedKeyRef
      ? await readPskRef(sp.value.presharedKeyRef).catch(() => undefined)
      : undefined);
  const lines = [
    `# osnet spoke ${spoke.id}${spoke.name ? ` (${spoke.name})` : ''}`,
    '[Interface]',
    `PrivateKey = ${o.privateKey ?? PRIVATE_KEY_PLACEHOLDER}`,
    `Address = ${spoke.fixed_ips.map((f) => `${f.ip_address}/${cidr.get(f.subnet_id)?.split('/')[1] ?? (f.ip_address.includes(':') ? 128 : 32)}`).join(', ')}`,
  ];
  // a device that declares an endpoint must listen where the hubs will send
  if (sp.value.endpoint) lines.push(`ListenPort = ${sp.value.endpoint.port}`);
  for (const id of sp.value.peers) {
    const hub = hubs.find((h) => h.id === id);
    lines.push('', `# hub ${id}`);
    if (!hub) {
      lines.push('# this hub no longer exists');
      continue;
    }
    const hp = parseHubProfile(hub['binding:profile']);
    const pub = hp.ok ? hp.value.publicKey : undefined;
    const ep = hp.ok ? hp.value.endpoint : undefined;
    if (!pub || !ep) lines.push('# the hub agent has not set this hub up yet: export again once it has');
    lines.push('[Peer]', `PublicKey = ${pub ?? '<not yet known>'}`);
    if (psk) lines.push(`PresharedKey = ${psk}`);
    else if (sp.value.presharedKeyRef)
      lines.push(`# PresharedKey = <the key in ${sp.value.presharedKeyRef} on the network host>`);
    lines.push(
      `AllowedIPs = ${[...new Set(hub.fixed_ips.map((f) => cidr.get(f.subnet_id) ?? f.ip_address))].join(', ')}`,
    );
    if (ep) lines.push(`Endpoint = ${formatEndpoint(ep)}`);
    if (sp.value.persistentKeepalive) lines.push(`PersistentKeepalive = ${sp.value.persistentKeepalive}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The config as a QR code for a terminal. */
export async function qrTerminal(text: string): Promise<string> {
  const qr = (await import('qrcode')).default;
  return qr.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}

/** The config as a QR code PNG file (mode 0600: it may carry a private key). */
export async function writeQrPng(file: string, text: string): Promise<void> {
  const qr = (await import('qrcode')).default;
  const png = await qr.toBuffer(text, { type: 'png', errorCorrectionLevel: 'L', margin: 2, scale: 6 });
  const { writeAtomic } = await import('../host/files.ts');
  await writeAtomic(file, png, 0o600);
}
