/**
 * The ADD result (SPEC section 5) in every spoken version, and conversion between them.
 * 0.3.x/0.4.0 tag each IP with `version` ("4"/"6"), 1.0.0 dropped it, 1.1.0 added interface
 * `mtu`/`socketPath`/`pciID` and route `mtu`/`advmss`/`priority`/`table`/`scope`. A result is read
 * into one version-free form (all fields) and written out with exactly what the target version has.
 */
import { CNI_ERR, CniError } from './errors.ts';
import {
  type Checker,
  cidrFamily,
  isIp,
  isObject,
  type JsonObject,
  join,
  listAt,
  MAC,
  objectAt,
  optString,
  optStringList,
  optUint,
  reqString,
} from './fields.ts';
import { type CniVersion, compareVersions, isSupported } from './versions.ts';

export interface CniInterface {
  name: string;
  mac?: string;
  /** 1.1.0 */
  mtu?: number;
  sandbox?: string;
  /** 1.1.0 */
  socketPath?: string;
  /** 1.1.0 */
  pciID?: string;
}

export interface CniIpConfig {
  address: string;
  gateway?: string;
  interface?: number;
}

export interface CniRoute {
  dst: string;
  gw?: string;
  /** 1.1.0 */
  mtu?: number;
  /** 1.1.0 */
  advmss?: number;
  /** 1.1.0 */
  priority?: number;
  /** 1.1.0 */
  table?: number;
  /** 1.1.0 */
  scope?: number;
}

export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** Version-free: the fields of the newest version; absent lists stay absent. */
export interface CniResult {
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: CniDns;
}

export interface ParseResultOptions {
  /** The version to read it as when it carries no cniVersion (libcni: the config's). */
  version?: string;
  /** JSON path of the result in the input, for error messages. */
  path?: string;
  /** 6 for another plugin's output, 7 for a prevResult in our config. */
  code?: number;
}

const MAX_MTU = 2 ** 31 - 1;

function parseInterface(v: unknown, p: string, c: Checker): CniInterface {
  const o = objectAt(v, p, c);
  const mac = optString(o, 'mac', p, c);
  if (mac !== undefined && mac !== '' && !MAC.test(mac)) {
    throw new CniError(c.code, `${join(p, 'mac')} must be a MAC address, not ${JSON.stringify(mac)}`, {
      field: join(p, 'mac'),
    });
  }
  const out: CniInterface = { name: reqString(o, 'name', p, c, { nonEmpty: true }) };
  if (mac !== undefined && mac !== '') out.mac = mac;
  const mtu = optUint(o, 'mtu', p, c, MAX_MTU);
  if (mtu !== undefined && mtu !== 0) out.mtu = mtu;
  const sandbox = optString(o, 'sandbox', p, c);
  if (sandbox !== undefined && sandbox !== '') out.sandbox = sandbox;
  const socketPath = optString(o, 'socketPath', p, c);
  if (socketPath !== undefined && socketPath !== '') out.socketPath = socketPath;
  const pciID = optString(o, 'pciID', p, c);
  if (pciID !== undefined && pciID !== '') out.pciID = pciID;
  return out;
}

function bad(c: Checker, field: string, what: string): never {
  throw new CniError(c.code, `${field} ${what}`, { field });
}

function parseIp(v: unknown, p: string, c: Checker, interfaceCount: number | undefined): CniIpConfig {
  const o = objectAt(v, p, c);
  const address = reqString(o, 'address', p, c);
  const family = cidrFamily(address);
  if (family === 0)
    bad(c, join(p, 'address'), `must be an IP address with a prefix length, not ${JSON.stringify(address)}`);
  // 0.x requires it, 1.x dropped it: read it where present, and it must agree with the address
  const version = o.version;
  if (version !== undefined && version !== String(family)) {
    bad(c, join(p, 'version'), `must be "${family}" for ${address}, not ${JSON.stringify(version)}`);
  }
  const out: CniIpConfig = { address };
  const gateway = optString(o, 'gateway', p, c);
  if (gateway !== undefined && gateway !== '') {
    if (!isIp(gateway) || cidrFamily(`${gateway}/0`) !== family) {
      bad(c, join(p, 'gateway'), `must be an IPv${family} address, not ${JSON.stringify(gateway)}`);
    }
    out.gateway = gateway;
  }
  const index = optUint(o, 'interface', p, c, MAX_MTU);
  if (index !== undefined) {
    if (interfaceCount === undefined || index >= interfaceCount) {
      bad(c, join(p, 'interface'), `is ${index}, but the result lists ${interfaceCount ?? 0} interfaces`);
    }
    out.interface = index;
  }
  return out;
}

function parseRoute(v: unknown, p: string, c: Checker): CniRoute {
  const o = objectAt(v, p, c);
  const dst = reqString(o, 'dst', p, c);
  if (cidrFamily(dst) === 0)
    bad(c, join(p, 'dst'), `must be a destination in CIDR form, not ${JSON.stringify(dst)}`);
  const out: CniRoute = { dst };
  const gw = optString(o, 'gw', p, c);
  if (gw !== undefined && gw !== '') {
    if (!isIp(gw)) bad(c, join(p, 'gw'), `must be an IP address, not ${JSON.stringify(gw)}`);
    out.gw = gw;
  }
  for (const key of ['mtu', 'advmss', 'priority', 'table'] as const) {
    const n = optUint(o, key, p, c);
    if (n !== undefined) out[key] = n;
  }
  const scope = optUint(o, 'scope', p, c, 255);
  if (scope !== undefined) out.scope = scope;
  return out;
}

function parseDns(o: JsonObject, p: string, c: Checker): CniDns {
  const out: CniDns = {};
  const nameservers = optStringList(o, 'nameservers', p, c);
  nameservers?.forEach((ns, i) => {
    if (!isIp(ns))
      bad(c, join(join(p, 'nameservers'), i), `must be an IP address, not ${JSON.stringify(ns)}`);
  });
  if (nameservers !== undefined) out.nameservers = nameservers;
  const domain = optString(o, 'domain', p, c);
  if (domain !== undefined) out.domain = domain;
  const search = optStringList(o, 'search', p, c);
  if (search !== undefined) out.search = search;
  const options = optStringList(o, 'options', p, c);
  if (options !== undefined) out.options = options;
  return out;
}

/** The version a result is written in: its own cniVersion, else the fallback; must be spoken. */
export function resultVersion(v: unknown, opts: ParseResultOptions = {}): CniVersion {
  const p = opts.path ?? 'result';
  const own = isObject(v) ? v.cniVersion : undefined;
  const version = own === undefined || own === '' ? opts.version : own;
  if (typeof version !== 'string' || !isSupported(version)) {
    throw new CniError(
      CNI_ERR.INCOMPATIBLE_VERSION,
      `${join(p, 'cniVersion')} ${version === undefined ? 'is missing' : `${JSON.stringify(version)} is not a spoken version`}`,
      { field: join(p, 'cniVersion') },
    );
  }
  return version;
}

export function parseResult(
  v: unknown,
  opts: ParseResultOptions = {},
): { version: CniVersion; result: CniResult } {
  const p = opts.path ?? 'result';
  const c: Checker = { code: opts.code ?? CNI_ERR.DECODE };
  const o = objectAt(v, p, c);
  const version = resultVersion(o, opts);
  const result: CniResult = {};
  if (o.interfaces !== undefined) {
    const ip = join(p, 'interfaces');
    result.interfaces = listAt(o.interfaces, ip, c).map((x, i) => parseInterface(x, join(ip, i), c));
  }
  if (o.ips !== undefined) {
    const ip = join(p, 'ips');
    const count = result.interfaces?.length;
    result.ips = listAt(o.ips, ip, c).map((x, i) => parseIp(x, join(ip, i), c, count));
  }
  if (o.routes !== undefined) {
    const rp = join(p, 'routes');
    result.routes = listAt(o.routes, rp, c).map((x, i) => parseRoute(x, join(rp, i), c));
  }
  if (o.dns !== undefined) result.dns = parseDns(objectAt(o.dns, join(p, 'dns'), c), join(p, 'dns'), c);
  return { version, result };
}

function familyOf(address: string): '4' | '6' {
  return cidrFamily(address) === 6 ? '6' : '4';
}

/** The result as `version` writes it, keys in the spec's order, fields the version lacks left out. */
export function formatResult(r: CniResult, version: CniVersion): JsonObject {
  const legacy = compareVersions(version, '1.0.0') < 0;
  const v11 = compareVersions(version, '1.1.0') >= 0;
  const out: JsonObject = { cniVersion: version };
  if (r.interfaces) {
    out.interfaces = r.interfaces.map((i) => {
      const o: JsonObject = { name: i.name };
      if (i.mac !== undefined) o.mac = i.mac;
      if (v11 && i.mtu !== undefined) o.mtu = i.mtu;
      if (i.sandbox !== undefined) o.sandbox = i.sandbox;
      if (v11 && i.socketPath !== undefined) o.socketPath = i.socketPath;
      if (v11 && i.pciID !== undefined) o.pciID = i.pciID;
      return o;
    });
  }
  if (r.ips) {
    out.ips = r.ips.map((ip) => {
      const o: JsonObject = legacy ? { version: familyOf(ip.address) } : {};
      if (ip.interface !== undefined) o.interface = ip.interface;
      o.address = ip.address;
      if (ip.gateway !== undefined) o.gateway = ip.gateway;
      return o;
    });
  }
  if (r.routes) {
    out.routes = r.routes.map((rt) => {
      const o: JsonObject = { dst: rt.dst };
      if (rt.gw !== undefined) o.gw = rt.gw;
      if (v11) {
        for (const key of ['mtu', 'advmss', 'priority', 'table', 'scope'] as const) {
          if (rt[key] !== undefined) o[key] = rt[key];
        }
      }
      return o;
    });
  }
  if (r.dns) {
    const o: JsonObject = {};
    if (r.dns.nameservers) o.nameservers = [...r.dns.nameservers];
    if (r.dns.domain !== undefined) o.domain = r.dns.domain;
    if (r.dns.search) o.search = [...r.dns.search];
    if (r.dns.options) o.options = [...r.dns.options];
    out.dns = o;
  }
  return out;
}

/** Reads a result (in its own cniVersion, else `opts.version`) and writes it as `to`. */
export function convertResult(v: unknown, to: CniVersion, opts: ParseResultOptions = {}): JsonObject {
  return formatResult(parseResult(v, opts).result, to);
}
