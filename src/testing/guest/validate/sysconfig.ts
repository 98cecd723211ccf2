/**
 * sysconfig checker. Debian has no tool that reads RHEL ifcfg files, so this is a strict structural
 * checker written for osnet: every line of `ifcfg-*` is `KEY=VALUE` with a known key, shell-safe quoting
 * and a value of the right type; keys that need each other are present together; `route-*`/`route6-*`
 * lines are `DEST via GW [dev NIC] [metric N] [onlink]` in the file's family and for the file's NIC.
 * It knows only the keys osnet writes plus their close relatives, so it errs on the side of refusing.
 *
 * @example
 *   const { errors } = checkSysconfig(renderSysconfig(cfg));
 */

import type { RenderedFile } from '../../../guest/formats/types.ts';
import { maskToPrefix, parseIp } from '../../../guest/model/ip.ts';
import { BOND_MODES } from '../../../guest/model/types.ts';
import type { ValidationResult } from '../run.ts';

type Check = (v: string) => string | undefined;

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const DOMAIN =
  /^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

const yesNo: Check = (v) => (v === 'yes' || v === 'no' ? undefined : 'must be yes or no');
const oneOf =
  (...allowed: string[]): Check =>
  (v) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}`;
const intIn =
  (min: number, max: number): Check =>
  (v) =>
    /^[0-9]+$/.test(v) && Number(v) >= min && Number(v) <= max
      ? undefined
      : `must be an integer ${min}-${max}`;
const ifname: Check = (v) => (IFNAME.test(v) ? undefined : 'must be an interface name');
const mac: Check = (v) => (MAC.test(v) ? undefined : 'must be a MAC address');
const ip =
  (family?: 4 | 6): Check =>
  (v) =>
    parseIp(v, family) ? undefined : `must be an IPv${family ?? '4/6'} address`;
const cidr6: Check = (v) => {
  const [a, p] = v.split('/');
  return a && p !== undefined && parseIp(a, 6) && maskToPrefix(p, 6) !== undefined
    ? undefined
    : 'must be IPv6/prefix';
};
const gw6: Check = (v) => {
  const [a, dev] = v.split('%');
  return a && parseIp(a, 6) && (dev === undefined || IFNAME.test(dev))
    ? undefined
    : 'must be an IPv6 address[%dev]';
};
const spaced =
  (each: Check): Check =>
  (v) =>
    v
      .split(' ')
      .map(each)
      .find((e) => e !== undefined);
const domain: Check = (v) => (DOMAIN.test(v) ? undefined : 'must be a DNS domain');
const BOND_OPTS: Record<string, Check> = {
  mode: (v) =>
    (BOND_MODES as readonly string[]).includes(v) || /^[0-6]$/.test(v) ? undefined : 'unknown bond mode',
  miimon: intIn(0, 2 ** 31 - 1),
  xmit_hash_policy: oneOf('layer2', 'layer2+3', 'layer3+4', 'encap2+3', 'encap3+4', 'vlan+srcmac'),
  lacp_rate: oneOf('slow', 'fast', '0', '1'),
  updelay: intIn(0, 2 ** 31 - 1),
  downdelay: intIn(0, 2 ** 31 - 1),
};
const bondOpts: Check = (v) => {
  for (const kv of v.split(' ')) {
    const [k, val] = kv.split('=');
    const check = k ? BOND_OPTS[k] : undefined;
    if (!check || val === undefined) return `unknown bonding option ${kv}`;
    const e = check(val);
    if (e) return `${k}: ${e}`;
  }
  return undefined;
};

/** Allowed ifcfg keys (exact, or a pattern with a numeric suffix) and the type of their value. */
const KEYS: [RegExp, Check][] = [
  [/^DEVICE$/, ifname],
  [/^NAME$/, (v) => (v.length > 0 ? undefined : 'must not be empty')],
  [/^(HWADDR|MACADDR)$/, mac],
  [/^TYPE$/, oneOf('Ethernet', 'Bond', 'Vlan', 'Bridge')],
  [
    /^(ONBOOT|NM_CONTROLLED|DEFROUTE|IPV6INIT|IPV6_AUTOCONF|DHCPV6C|PEERDNS|SLAVE|BONDING_MASTER|VLAN|USERCTL)$/,
    yesNo,
  ],
  [/^BOOTPROTO$/, oneOf('none', 'static', 'dhcp')],
  [/^MTU$/, intIn(68, 65535)],
  [/^IPADDR[0-9]*$/, ip(4)],
  [/^PREFIX[0-9]*$/, intIn(1, 32)],
  [/^GATEWAY$/, ip(4)],
  [/^IPV6ADDR$/, cidr6],
  [/^IPV6ADDR_SECONDARIES$/, spaced(cidr6)],
  [/^IPV6_DEFAULTGW$/, gw6],
  [/^(IPV4|IPV6)_ROUTE_METRIC$/, intIn(0, 2 ** 32 - 1)],
  [/^DNS[1-9][0-9]*$/, ip()],
  [/^DOMAIN$/, spaced(domain)],
  [/^(MASTER|PHYSDEV)$/, ifname],
  [/^VLAN_ID$/, intIn(1, 4094)],
  [/^BONDING_OPTS$/, bondOpts],
  [/^DHCPV6C_OPTIONS$/, spaced(oneOf('-S', '-N', '-P'))],
];

/** Unquotes a value the way a POSIX shell would for the quoting osnet allows; undefined if unsafe. */
export function unquote(raw: string): string | undefined {
  if (/^[A-Za-z0-9_.:/@+%-]*$/.test(raw)) return raw;
  const m = /^"((?:[^"\\$`]|\\["\\$`])*)"$/.exec(raw);
  return m ? (m[1] ?? '').replace(/\\(["\\$`])/g, '$1') : undefined;
}

function checkIfcfg(f: RenderedFile, nic: string, errors: string[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const [i, line] of f.content.split('\n').entries()) {
    const where = `${f.path}:${i + 1}`;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) {
      errors.push(`${where}: not KEY=VALUE: ${line}`);
      continue;
    }
    const [, key = '', raw = ''] = m;
    const value = unquote(raw);
    const rule = KEYS.find(([re]) => re.test(key));
    const problem =
      value === undefined
        ? `${key}: unsafe or badly quoted value ${raw}`
        : seen.has(key)
          ? `${key} given twice`
          : !rule
            ? `unknown key ${key}`
            : rule[1](value) && `${key}=${value}: ${rule[1](value)}`;
    if (problem) errors.push(`${where}: ${problem}`);
    if (value !== undefined && !seen.has(key)) seen.set(key, value);
  }
  const need = (cond: boolean, msg: string) => {
    if (cond) errors.push(`${f.path}: ${msg}`);
  };
  need(seen.get('DEVICE') !== nic, `DEVICE must be ${nic} (the file name)`);
  for (const key of seen.keys()) {
    const n = /^IPADDR([0-9]*)$/.exec(key)?.[1];
    if (n !== undefined) need(!seen.has(`PREFIX${n}`), `${key} without PREFIX${n}`);
    const p = /^PREFIX([0-9]*)$/.exec(key)?.[1];
    if (p !== undefined) need(!seen.has(`IPADDR${p}`), `${key} without IPADDR${p}`);
  }
  need(seen.has('GATEWAY') && !seen.has('IPADDR'), 'GATEWAY without IPADDR');
  need(seen.get('SLAVE') === 'yes' && !seen.has('MASTER'), 'SLAVE=yes without MASTER');
  need(
    seen.get('VLAN') === 'yes' && !(seen.has('PHYSDEV') && seen.has('VLAN_ID')),
    'VLAN=yes needs PHYSDEV and VLAN_ID',
  );
  need(
    seen.get('BONDING_MASTER') === 'yes' && !seen.has('BONDING_OPTS'),
    'BONDING_MASTER without BONDING_OPTS',
  );
  need(
    (seen.has('IPV6ADDR') || seen.has('DHCPV6C') || seen.has('IPV6_DEFAULTGW')) &&
      seen.get('IPV6INIT') !== 'yes',
    'IPv6 keys without IPV6INIT=yes',
  );
  need(!seen.has('BOOTPROTO'), 'BOOTPROTO missing');
  return seen;
}

function checkRoutes(f: RenderedFile, nic: string, family: 4 | 6, errors: string[]): void {
  for (const [i, line] of f.content.split('\n').entries()) {
    const where = `${f.path}:${i + 1}`;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const w = line.trim().split(/\s+/);
    const [dest = '', via, gw = ''] = w;
    if (via !== 'via') {
      errors.push(`${where}: want "DEST via GW ...": ${line}`);
      continue;
    }
    if (dest !== 'default') {
      const [a = '', p = ''] = dest.split('/');
      if (!parseIp(a, family) || maskToPrefix(p, family) === undefined)
        errors.push(`${where}: bad IPv${family} destination ${dest}`);
    }
    if (!parseIp(gw, family)) errors.push(`${where}: bad IPv${family} gateway ${gw}`);
    for (let k = 3; k < w.length; k++) {
      const opt = w[k];
      if (opt === 'onlink') continue;
      const val = w[++k];
      if (opt === 'dev') {
        if (val !== nic) errors.push(`${where}: dev ${val} in the file of ${nic}`);
      } else if (opt === 'metric') {
        if (!val || !/^[0-9]+$/.test(val)) errors.push(`${where}: bad metric ${val}`);
      } else errors.push(`${where}: unknown route option ${opt}`);
    }
  }
}

/** Checks rendered sysconfig files; errors only (there is no "warning" level in a structural check). */
export function checkSysconfig(files: RenderedFile[]): ValidationResult {
  const errors: string[] = [];
  const ifcfgs = new Map<string, Map<string, string>>();
  for (const f of files) {
    const m = /^\/etc\/sysconfig\/network-scripts\/(ifcfg|route|route6)-(.+)$/.exec(f.path);
    if (!m) {
      errors.push(`${f.path}: not an ifcfg/route/route6 file`);
      continue;
    }
    const [, kind, nic = ''] = m;
    if (kind === 'ifcfg') {
      ifcfgs.set(nic, checkIfcfg(f, nic, errors));
    } else checkRoutes(f, nic, kind === 'route' ? 4 : 6, errors);
  }
  for (const f of files) {
    const nic = /(route6?)-(.+)$/.exec(f.path)?.[2];
    if (nic && /\/route6?-/.test(f.path) && !ifcfgs.has(nic))
      errors.push(`${f.path}: no ifcfg-${nic} for this route file`);
  }
  for (const [nic, keys] of ifcfgs) {
    const master = keys.get('MASTER');
    if (master && ifcfgs.get(master)?.get('BONDING_MASTER') !== 'yes')
      errors.push(`ifcfg-${nic}: MASTER ${master} is not a bond here`);
    const parent = keys.get('PHYSDEV');
    if (parent && !ifcfgs.has(parent)) errors.push(`ifcfg-${nic}: PHYSDEV ${parent} has no ifcfg file`);
  }
  return { tool: 'osnet sysconfig checker', errors, warnings: [] };
}
