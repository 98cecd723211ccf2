/**
 * Address checks the schemas cannot express, each failing with `OSNET_ERR_VALIDATION` naming the field
 * (`body.gateway_ip`), so the engine answers a 400 before anything is written and a backend fails before
 * its first OpenStack call.
 *
 * @example
 *   const net = parseCidr('10.0.0.0/24', 'body.cidr'); // { version: 4, first: 167772160n, last: … }
 *   requireInside(net, '10.0.0.1', 'body.gateway_ip');
 */
import { isIPv4, isIPv6 } from 'node:net';
import { OsnetError } from '../../../../lib/errors.ts';

export interface Cidr {
  version: 4 | 6;
  first: bigint;
  last: bigint;
  prefix: number;
}

function bad(field: string, message: string): OsnetError {
  return new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${message}`, { field });
}

function v4ToBig(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBig(ip: string): bigint {
  let s = ip;
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4ToBig(v4[1]!);
    s = `${s.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

/** An IP address as a number with its version, or an error naming `field`. */
export function parseIp(ip: unknown, field: string): { version: 4 | 6; value: bigint } {
  if (typeof ip === 'string' && isIPv4(ip)) return { version: 4, value: v4ToBig(ip) };
  if (typeof ip === 'string' && isIPv6(ip)) return { version: 6, value: v6ToBig(ip) };
  throw bad(field, `${JSON.stringify(ip)} is not an IP address`);
}

/** A CIDR (`10.0.0.0/24`, `fd00::/64`; host bits may be set, as Neutron allows), or an error naming `field`. */
export function parseCidr(cidr: unknown, field: string): Cidr {
  const m = typeof cidr === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(cidr) : null;
  if (!m) throw bad(field, `${JSON.stringify(cidr)} is not a CIDR (address/prefix)`);
  const ip = parseIp(m[1], field);
  const prefix = Number(m[2]);
  const bits = ip.version === 4 ? 32 : 128;
  if (prefix > bits) throw bad(field, `prefix /${prefix} is longer than ${bits} bits`);
  const host = (1n << BigInt(bits - prefix)) - 1n;
  const first = ip.value & ~host & ((1n << BigInt(bits)) - 1n);
  return { version: ip.version, first, last: first | host, prefix };
}

/** The address is of the network's version and inside it. */
export function requireInside(net: Cidr, ip: unknown, field: string): bigint {
  const a = parseIp(ip, field);
  if (a.version !== net.version) throw bad(field, `is IPv${a.version}, the subnet is IPv${net.version}`);
  if (a.value < net.first || a.value > net.last) throw bad(field, `${String(ip)} is outside the subnet`);
  return a.value;
}

/** `ip` is of this IP version. */
export function requireVersion(ip: unknown, version: 4 | 6, field: string): void {
  const a = parseIp(ip, field);
  if (a.version !== version) throw bad(field, `must be an IPv${version} address`);
}

export { bad as invalid };
