/**
 * osnet-ovs's configuration: ovs-cni's keys (`bridge`, default br-int; `socket_file`, the OVSDB address;
 * `mtu`; per call `args.cni.ovnPort` and `args.cni.mac`, or CNI_ARGS `OvnPort`/`MAC`, or runtimeConfig.mac)
 * plus `ipam` (run like any IPAM plugin) and `tx_offload` (false runs `ethtool -K <if> tx off` on both veth
 * ends: OVS's userspace datapath does not fill in checksums a veth left to offload, so TCP fails).
 */
import { CNI_ERR, CniError } from '../errors.ts';
import {
  type Checker,
  type JsonObject,
  join,
  listAt,
  MAC,
  objectAt,
  optBool,
  optObject,
  optString,
  reqString,
} from '../fields.ts';
import { type CniResult, parseResult } from '../result.ts';
import {
  assertVerbAllowed,
  type CniVerb,
  type CniVersion,
  isSupported,
  SUPPORTED_VERSIONS,
} from '../versions.ts';

export interface OvsConfig {
  cniVersion: CniVersion;
  name: string;
  bridge: string;
  /** ovs-vsctl's --db. */
  db?: string;
  mtu?: number;
  ovnPort?: string;
  mac?: string;
  ipam?: JsonObject;
  txOffload: boolean;
  prevResult?: CniResult;
  validAttachments?: { containerID: string; ifname: string }[];
  raw: JsonObject;
}

const C: Checker = { code: CNI_ERR.INVALID_CONFIG };

function invalid(field: string, what: string, code: number = CNI_ERR.INVALID_CONFIG): never {
  throw new CniError(code, `${field} ${what}`, { field });
}

/** socket_file as ovs-vsctl's --db: a bare path is a unix socket. */
export function dbAddress(socketFile: string): string {
  return socketFile.startsWith('/') ? `unix:${socketFile}` : socketFile;
}

export function parseOvsConfig(o: JsonObject, verb: CniVerb, cniArgs: Record<string, string>): OvsConfig {
  const v = o.cniVersion;
  if (typeof v !== 'string' || !isSupported(v)) {
    invalid(
      'cniVersion',
      `${JSON.stringify(v)} is not supported; supported: ${SUPPORTED_VERSIONS.join(', ')}`,
      CNI_ERR.INCOMPATIBLE_VERSION,
    );
  }
  assertVerbAllowed(verb, v);
  const cfg: OvsConfig = {
    cniVersion: v,
    name: reqString(o, 'name', '', C, { nonEmpty: true }),
    bridge:
      optString(o, 'bridge', '', C, {
        nonEmpty: true,
        maxLength: 15,
        pattern: /^[^/\s:]+$/,
        shape: "an OVS bridge name without '/', ':' or whitespace",
      }) ?? 'br-int',
    txOffload: optBool(o, 'tx_offload', '', C) ?? true,
    raw: o,
  };
  const socketFile = optString(o, 'socket_file', '', C, {
    pattern: /^(unix:\/|tcp:|ssl:|\/)\S*$/,
    shape: 'an OVSDB address (unix:/path, tcp:host:port, ssl:host:port or /path)',
  });
  if (socketFile !== undefined) cfg.db = dbAddress(socketFile);
  if (o.mtu !== undefined) {
    if (typeof o.mtu !== 'number' || !Number.isInteger(o.mtu) || o.mtu < 68 || o.mtu > 65535)
      invalid('mtu', `must be an integer from 68 to 65535, not ${JSON.stringify(o.mtu)}`);
    cfg.mtu = o.mtu;
  }
  const args = optObject(o, 'args', '', C);
  const argsCni = args === undefined ? {} : (optObject(args, 'cni', 'args', C) ?? {});
  const ovnPort = optString(argsCni, 'ovnPort', 'args.cni', C, {
    nonEmpty: true,
    pattern: /^[^\s,]+$/,
    shape: 'a port id',
  });
  const fromEnv = cniArgs.OvnPort;
  if (ovnPort !== undefined) cfg.ovnPort = ovnPort;
  else if (fromEnv !== undefined && fromEnv !== '') cfg.ovnPort = fromEnv;
  const rc = optObject(o, 'runtimeConfig', '', C);
  const macRule = { pattern: MAC, shape: 'a MAC address' };
  const mac =
    optString(argsCni, 'mac', 'args.cni', C, macRule) ??
    (rc === undefined ? undefined : optString(rc, 'mac', 'runtimeConfig', C, macRule));
  if (mac !== undefined) cfg.mac = mac.toLowerCase();
  else if (cniArgs.MAC !== undefined) {
    if (!MAC.test(cniArgs.MAC))
      throw new CniError(
        CNI_ERR.INVALID_ENV,
        `CNI_ARGS.MAC must be a MAC address, not ${JSON.stringify(cniArgs.MAC)}`,
        {
          field: 'CNI_ARGS.MAC',
        },
      );
    cfg.mac = cniArgs.MAC.toLowerCase();
  }
  const ipam = optObject(o, 'ipam', '', C);
  if (ipam !== undefined) {
    reqString(ipam, 'type', 'ipam', C, { nonEmpty: true, pattern: /^[^/\\\0]+$/, shape: 'a plugin name' });
    cfg.ipam = ipam;
  }
  if (o.prevResult !== undefined) {
    cfg.prevResult = parseResult(o.prevResult, {
      version: v,
      path: 'prevResult',
      code: CNI_ERR.INVALID_CONFIG,
    }).result;
  } else if (verb === 'CHECK') {
    invalid('prevResult', 'is required for CHECK');
  }
  if (verb === 'GC') {
    const key =
      o['cni.dev/valid-attachments'] !== undefined ? 'cni.dev/valid-attachments' : 'cni.dev/attachments';
    if (o[key] === undefined) invalid('cni.dev/valid-attachments', 'is required for GC');
    cfg.validAttachments = listAt(o[key], key, C).map((x, i) => {
      const a = objectAt(x, join(key, i), C);
      return {
        containerID: reqString(a, 'containerID', join(key, i), C, { nonEmpty: true }),
        ifname: reqString(a, 'ifname', join(key, i), C, { nonEmpty: true }),
      };
    });
  }
  return cfg;
}
