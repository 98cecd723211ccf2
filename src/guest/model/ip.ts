/**
 * Strict IP address and netmask helpers for the network_data.json parser. Hand-written rather than
 * `node:net` alone because the parser needs canonical forms (so `ip -j` output compares equal), prefix
 * lengths from masks, and host-bit checks; `node:net` offers none of these.
 *
 * @example
 *   parseIp('2001:DB8::10'); // { family: 6, text: '2001:db8::10', value: 0x2001_0db8_...n }
 *   maskToPrefix('255.255.252.0', 4); // 22
 */

export interface ParsedIp {
  family: 4 | 6;
  /** Canonical text: dotted quad, or RFC 5952 lower-case compressed IPv6. */
  text: string;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Leading zeros are refused: some tools read them as octal, others as decimal.
    if (!V4_PART.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.length === 0 || s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const words = (part: string): string[] | undefined => {
    if (part === '') return [];
    const w = part.split(':');
    return w.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? w : undefined;
  };
  const left = words(halves[0] ?? '');
  const right = halves.length === 2 ? words(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  let all: string[];
  if (halves.length === 2) {
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    all = [...left, ...Array<string>(fill).fill('0'), ...right];
  } else {
    all = left;
  }
  if (all.length !== 8) return undefined;
  let v = 0n;
  for (const w of all) v = (v << 16n) | BigInt(Number.parseInt(w, 16));
  if (tailV4 !== undefined) v = (v & ~0xffff_ffffn) | tailV4;
  return v;
}

function formatV4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
}

function formatV6(v: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero words, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parses an IPv4 or IPv6 address (no prefix, no zone); undefined when it is not one. */
export function parseIp(s: string, family?: 4 | 6): ParsedIp | undefined {
  if (family !== 6) {
    const v4 = parseV4(s);
    if (v4 !== undefined) return { family: 4, text: formatV4(v4), value: v4 };
  }
  if (family !== 4 && s.includes(':')) {
    const v6 = parseV6(s);
    if (v6 !== undefined) return { family: 6, text: formatV6(v6), value: v6 };
  }
  return undefined;
}

export function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

/** The mask of a prefix length as an integer. */
export function prefixMask(prefix: number, family: 4 | 6): bigint {
  const width = BigInt(bits(family));
  const all = (1n << width) - 1n;
  return (all << (width - BigInt(prefix))) & all;
}

/**
 * Prefix length of a netmask given as dotted/expanded mask or as a prefix number ("22", 22, "/22").
 * Undefined when the mask is not contiguous or out of range.
 */
export function maskToPrefix(mask: string | number, family: 4 | 6): number | undefined {
  const max = bits(family);
  const asText = typeof mask === 'number' ? String(mask) : mask.replace(/^\//, '');
  if (/^[0-9]{1,3}$/.test(asText)) {
    const n = Number(asText);
    return n <= max ? n : undefined;
  }
  const p = parseIp(asText, family);
  if (!p) return undefined;
  for (let len = 0; len <= max; len++) if (prefixMask(len, family) === p.value) return len;
  return undefined;
}

/** True when `addr` has no bits set outside `prefix` (a valid route destination). */
export function isNetworkAddress(addr: ParsedIp, prefix: number): boolean {
  return (addr.value & ~prefixMask(prefix, addr.family)) === 0n;
}

/** The network an address belongs to, in canonical CIDR text. */
export function networkOf(addr: ParsedIp, prefix: number): string {
  const v = addr.value & prefixMask(prefix, addr.family);
  return `${addr.family === 4 ? formatV4(v) : formatV6(v)}/${prefix}`;
}

/** True for an IPv6 link-local address (fe80::/10), which is reachable on every link. */
export function isLinkLocal6(addr: string): boolean {
  const p = parseIp(addr, 6);
  return p !== undefined && p.value >> 118n === 0x3fan;
}

/** True when `addr` lies inside the network of `cidr` (`address/prefix`, host bits allowed). */
export function inSubnet(addr: string, cidr: string, family: 4 | 6): boolean {
  const [net, len] = cidr.split('/') as [string, string];
  const a = parseIp(addr, family);
  const n = parseIp(net, family);
  if (!a || !n) return false;
  const mask = prefixMask(Number(len), family);
  return (a.value & mask) === (n.value & mask);
}
