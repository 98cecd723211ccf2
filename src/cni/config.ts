/**
 * The openstack-port-cni plugin configuration on stdin: the spec's request keys (cniVersion, name, type,
 * runtimeConfig, args, prevResult, cni.dev/valid-attachments) and the plugin's own (seed 000:
 * network_id, subnet_id, delegate_plugin, bridge, socket_file, socket_path; plus security_group_ids,
 * mtu and a `delegate` object passed through to the delegate). Unknown keys are kept in `raw`.
 * Errors are CniErrors naming the JSON path: 6 when stdin is not a JSON object, 1 for the version,
 * 2 for a key the plugin cannot honour, 7 for everything else.
 */
import { CNI_ERR, CniError } from './errors.ts';
import {
  type Checker,
  cidrFamily,
  describe,
  isIp,
  isObject,
  type JsonObject,
  join,
  listAt,
  MAC,
  objectAt,
  optObject,
  optString,
  optStringList,
  reqString,
  stringAt,
  UUID,
} from './fields.ts';
import { type CniResult, parseResult } from './result.ts';
import {
  assertVerbAllowed,
  type CniVerb,
  type CniVersion,
  isSupported,
  SUPPORTED_VERSIONS,
} from './versions.ts';

export const PLUGIN_TYPE = 'openstack-port-cni';
export const DEFAULT_SOCKET_PATH = '/var/run/openstack-cni/cni.sock';
export const DEFAULT_DELEGATE = 'ovs';

export interface Attachment {
  containerID: string;
  ifname: string;
}

export interface RuntimeConfig {
  mac?: string;
  ips?: string[];
  /** Every key as given (capabilities osnet does not read are passed on). */
  raw: JsonObject;
}

export interface PluginConfig {
  cniVersion: CniVersion;
  cniVersions?: string[];
  name: string;
  type: string;
  networkId: string;
  subnetId?: string;
  securityGroupIds?: string[];
  /** The delegate's type: `delegate.type`, else `delegate_plugin`, else "ovs". */
  delegatePlugin: string;
  /** Extra configuration for the delegate, kept verbatim (nested objects and metadata included). */
  delegate?: JsonObject;
  bridge?: string;
  /** The OVSDB socket handed to ovs-cni. */
  socketFile?: string;
  /** The daemon's Unix socket. */
  socketPath: string;
  mtu?: number;
  runtimeConfig?: RuntimeConfig;
  args?: JsonObject;
  metadata?: JsonObject;
  prevResult?: { version: CniVersion; result: CniResult };
  /** GC only: the attachments still in use (`cni.dev/valid-attachments`, or the older `cni.dev/attachments`). */
  validAttachments?: Attachment[];
  /** The whole input object, for passing unknown keys on. */
  raw: JsonObject;
}

const C: Checker = { code: CNI_ERR.INVALID_CONFIG };
/** SPEC: network names start alphanumeric, then alphanumerics, '_', '.', '-'. */
const NETWORK_NAME = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  shape: "a network name (letters, digits, '_', '.', '-')",
};
const PLUGIN_NAME = { nonEmpty: true, pattern: /^[^/\\\0]+$/, shape: "a plugin name without '/' or '\\'" };
const UUID_RULE = { pattern: UUID, shape: 'a UUID' };
/** sockaddr_un.sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;
/** Keys the thin plugin writes into the delegate's configuration itself. */
const DELEGATE_RESERVED = ['cniVersion', 'name', 'ipam', 'args', 'prevResult', 'runtimeConfig'];

function invalid(field: string, what: string, code: number = CNI_ERR.INVALID_CONFIG): never {
  throw new CniError(code, `${field} ${what}`, { field });
}

function ipWithOptionalPrefix(s: string): boolean {
  return isIp(s) || cidrFamily(s) !== 0;
}

export function parseIpList(v: unknown, field: string): string[] {
  return listAt(v, field, C).map((x, i) => {
    const s = stringAt(x, join(field, i), C);
    if (!ipWithOptionalPrefix(s))
      invalid(join(field, i), `must be an IP address (optionally /prefix), not ${describe(s)}`);
    return s;
  });
}

function parseVersion(o: JsonObject): CniVersion {
  const v = o.cniVersion;
  if (v === undefined) {
    invalid(
      'cniVersion',
      `is missing (that means 0.1.0); supported: ${SUPPORTED_VERSIONS.join(', ')}`,
      CNI_ERR.INCOMPATIBLE_VERSION,
    );
  }
  const s = stringAt(v, 'cniVersion', C);
  if (!isSupported(s)) {
    invalid(
      'cniVersion',
      `${JSON.stringify(s)} is not supported; supported: ${SUPPORTED_VERSIONS.join(', ')}`,
      CNI_ERR.INCOMPATIBLE_VERSION,
    );
  }
  return s;
}

function parseRuntimeConfig(o: JsonObject): RuntimeConfig {
  const rc: RuntimeConfig = { raw: o };
  const mac = optString(o, 'mac', 'runtimeConfig', C, { pattern: MAC, shape: 'a MAC address' });
  if (mac !== undefined) rc.mac = mac;
  if (o.ips !== undefined) rc.ips = parseIpList(o.ips, 'runtimeConfig.ips');
  return rc;
}

function parseDelegate(
  o: JsonObject,
  delegatePlugin: string | undefined,
): { delegate: JsonObject; type: string } {
  for (const key of Object.keys(o)) {
    if (DELEGATE_RESERVED.includes(key) || key.startsWith('cni.dev/')) {
      invalid(
        join('delegate', key),
        `(${describe(o[key])}) is set by openstack-port-cni itself and cannot be configured`,
        CNI_ERR.UNSUPPORTED_FIELD,
      );
    }
  }
  const type = optString(o, 'type', 'delegate', C, PLUGIN_NAME);
  if (type !== undefined && delegatePlugin !== undefined && type !== delegatePlugin) {
    invalid(
      'delegate.type',
      `${JSON.stringify(type)} contradicts delegate_plugin ${JSON.stringify(delegatePlugin)}`,
    );
  }
  return { delegate: o, type: type ?? delegatePlugin ?? DEFAULT_DELEGATE };
}

function parseAttachments(v: unknown, field: string): Attachment[] {
  return listAt(v, field, C).map((x, i) => {
    const p = join(field, i);
    const o = objectAt(x, p, C);
    return {
      containerID: reqString(o, 'containerID', p, C, { nonEmpty: true }),
      ifname: reqString(o, 'ifname', p, C, { nonEmpty: true }),
    };
  });
}

/** Decodes stdin into a JSON object (CNI code 6 when it is not one). */
export function decodeStdin(stdin: string | Uint8Array): JsonObject {
  const text = typeof stdin === 'string' ? stdin : new TextDecoder('utf-8', { fatal: false }).decode(stdin);
  if (text.trim() === '')
    throw new CniError(CNI_ERR.DECODE, 'stdin is empty: the network configuration is missing', {
      field: 'stdin',
    });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (cause) {
    throw new CniError(CNI_ERR.DECODE, `stdin is not valid JSON: ${(cause as Error).message}`, {
      field: 'stdin',
      cause,
    });
  }
  if (!isObject(v))
    throw new CniError(CNI_ERR.DECODE, `stdin must hold a JSON object, not ${describe(v)}`, {
      field: 'stdin',
    });
  return v;
}

/** Checks the configuration for `verb` (CHECK needs a prevResult, GC its valid attachments). */
export function parseConfig(o: JsonObject, verb: CniVerb): PluginConfig {
  const cniVersion = parseVersion(o);
  assertVerbAllowed(verb, cniVersion);
  const cniVersions = optStringList(o, 'cniVersions', '', C);
  const name = reqString(o, 'name', '', C, { nonEmpty: true, ...NETWORK_NAME });
  const type = reqString(o, 'type', '', C, PLUGIN_NAME);
  const networkId = reqString(o, 'network_id', '', C, UUID_RULE);
  const cfg: PluginConfig = {
    cniVersion,
    name,
    type,
    networkId,
    delegatePlugin: DEFAULT_DELEGATE,
    socketPath: DEFAULT_SOCKET_PATH,
    raw: o,
  };
  if (cniVersions !== undefined) cfg.cniVersions = cniVersions;

  const subnetId = optString(o, 'subnet_id', '', C, UUID_RULE);
  if (subnetId !== undefined) cfg.subnetId = subnetId;
  const sgs = optStringList(o, 'security_group_ids', '', C, UUID_RULE);
  if (sgs !== undefined) {
    const dup = sgs.findIndex((s, i) => sgs.indexOf(s) !== i);
    if (dup >= 0) invalid(`security_group_ids[${dup}]`, `repeats ${sgs[dup]}`);
    cfg.securityGroupIds = sgs;
  }

  const delegatePlugin = optString(o, 'delegate_plugin', '', C, PLUGIN_NAME);
  const delegate = optObject(o, 'delegate', '', C);
  if (delegate !== undefined) {
    const d = parseDelegate(delegate, delegatePlugin);
    cfg.delegate = d.delegate;
    cfg.delegatePlugin = d.type;
  } else if (delegatePlugin !== undefined) {
    cfg.delegatePlugin = delegatePlugin;
  }

  const bridge = optString(o, 'bridge', '', C, {
    nonEmpty: true,
    maxLength: 15,
    pattern: /^[^/\s:]+$/,
    shape: "an OVS bridge name without '/', ':' or whitespace",
  });
  if (bridge !== undefined) cfg.bridge = bridge;
  const socketFile = optString(o, 'socket_file', '', C, {
    nonEmpty: true,
    pattern: /^(unix:\/|tcp:|ssl:|\/)\S*$/,
    shape: 'an OVSDB address (unix:/path, tcp:host:port, ssl:host:port or /path)',
  });
  if (socketFile !== undefined) cfg.socketFile = socketFile;
  const socketPath = optString(o, 'socket_path', '', C, { pattern: /^\/[^\0]*$/, shape: 'an absolute path' });
  if (socketPath !== undefined) {
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      invalid(
        'socket_path',
        `is ${Buffer.byteLength(socketPath)} bytes; a Unix socket path holds at most ${MAX_SOCKET_PATH}`,
      );
    }
    cfg.socketPath = socketPath;
  }
  if (o.mtu !== undefined) {
    const mtu = o.mtu;
    if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68 || mtu > 65535) {
      invalid('mtu', `must be an integer from 68 to 65535, not ${describe(mtu)}`);
    }
    cfg.mtu = mtu;
  }

  const runtimeConfig = optObject(o, 'runtimeConfig', '', C);
  if (runtimeConfig !== undefined) cfg.runtimeConfig = parseRuntimeConfig(runtimeConfig);
  const args = optObject(o, 'args', '', C);
  if (args !== undefined) {
    optObject(args, 'cni', 'args', C);
    cfg.args = args;
  }
  const metadata = optObject(o, 'metadata', '', C);
  if (metadata !== undefined) cfg.metadata = metadata;

  if (o.prevResult !== undefined) {
    cfg.prevResult = parseResult(o.prevResult, {
      version: cniVersion,
      path: 'prevResult',
      code: CNI_ERR.INVALID_CONFIG,
    });
  } else if (verb === 'CHECK') {
    invalid('prevResult', 'is required for CHECK (the result of the ADD being checked)');
  }

  if (verb === 'GC') {
    const key =
      o['cni.dev/valid-attachments'] !== undefined ? 'cni.dev/valid-attachments' : 'cni.dev/attachments';
    if (o[key] === undefined) {
      // treating a missing list as empty would release every port on the network
      invalid('cni.dev/valid-attachments', 'is required for GC');
    }
    cfg.validAttachments = parseAttachments(o[key], join('', key));
  }
  return cfg;
}
