/**
 * The daemon's reading of protocol bodies (src/cni/protocol.ts). Strict: a wrong type, a value out of its
 * shape or an unknown key is refused with an OsnetError naming the JSON path, before any Neutron call, so
 * no malformed request can make a port.
 *
 * @example
 *   const req = parseAdd(JSON.parse(body)); // AddRequest, or OSNET_ERR_VALIDATION { field: 'ifname' }
 */
import { isIPv4, isIPv6 } from 'node:net';
import type {
  AddRequest,
  AttachmentKey,
  CheckRequest,
  DelRequest,
  GcRequest,
  PodRef,
} from '../cni/protocol.ts';
import { OsnetError } from '../lib/errors.ts';

type Obj = Record<string, unknown>;

function bad(field: string, why: string): never {
  throw new OsnetError('OSNET_ERR_VALIDATION', `${field} ${why}`, { field });
}

function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  return v === null ? 'null' : typeof v;
}

function object(v: unknown, field: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    bad(field, `must be an object, not ${shown(v)}`);
  return v as Obj;
}

function onlyKeys(o: Obj, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const field = path ? `${path}.${k}` : k;
      throw new OsnetError('OSNET_ERR_UNSUPPORTED', `${field} is not a field of this request`, { field });
    }
  }
}

function str(v: unknown, field: string, re: RegExp, shape: string, max: number): string {
  if (typeof v !== 'string') bad(field, `must be a string, not ${shown(v)}`);
  if (v.length === 0 || v.length > max) bad(field, `must be 1 to ${max} characters`);
  if (!re.test(v)) bad(field, `must be ${shape}, not ${shown(v)}`);
  return v;
}

function opt<T>(o: Obj, k: string, read: (v: unknown, field: string) => T, path = ''): T | undefined {
  return o[k] === undefined ? undefined : read(o[k], path ? `${path}.${k}` : k);
}

function list<T>(v: unknown, field: string, item: (v: unknown, f: string) => T, max = 32): T[] {
  if (!Array.isArray(v)) bad(field, `must be a list, not ${shown(v)}`);
  if (v.length > max) bad(field, `must have at most ${max} entries`);
  return v.map((x, i) => item(x, `${field}[${i}]`));
}

/** CNI's container id alphabet; at most 200 so that its tag fits Neutron's 255. */
const containerId = (v: unknown, f: string) =>
  str(v, f, /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'alphanumerics, "_", "." and "-"', 200);
/** Linux interface names: 15 bytes, no "/", ":" or whitespace, not "." or "..". */
function ifname(v: unknown, f: string): string {
  const s = str(v, f, /^[^/:\s]+$/, 'an interface name without "/", ":" or whitespace', 15);
  if (s === '.' || s === '..' || Buffer.byteLength(s) > 15)
    bad(f, 'must be an interface name of at most 15 bytes');
  return s;
}
const neutronId = (v: unknown, f: string) => str(v, f, /^[A-Za-z0-9][A-Za-z0-9-]*$/, 'a Neutron id', 64);
const mac = (v: unknown, f: string) =>
  str(v, f, /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'a MAC address like fa:16:3e:00:00:01', 17).toLowerCase();
function ip(v: unknown, f: string): string {
  const s = str(v, f, /^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/, 'an IP address or CIDR', 50);
  const [addr, len] = s.split('/');
  const v4 = isIPv4(addr!);
  if (!v4 && !isIPv6(addr!)) bad(f, `must be an IP address or CIDR, not ${shown(s)}`);
  if (len !== undefined && Number(len) > (v4 ? 32 : 128)) bad(f, 'has a prefix length out of range');
  return s;
}
/** Kubernetes names: DNS subdomains (pods), labels (namespaces), UIDs. */
const k8sName = (v: unknown, f: string) =>
  str(v, f, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes name (lower-case DNS subdomain)', 253);
const podUid = (v: unknown, f: string) => str(v, f, /^[A-Za-z0-9][A-Za-z0-9-]*$/, 'a pod UID', 64);
const netnsPath = (v: unknown, f: string) => str(v, f, /^\/[^\0]*$/, 'an absolute path', 4096);
/** The policy server's group ids: a CF app GUID, `namespace/app` for Kubernetes (src/policy/api/schemas.ts). */
const groupId = (v: unknown, f: string) =>
  str(v, f, /^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'a policy group id', 255);
function mtu(v: unknown, f: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 68 || v > 65535)
    bad(f, `must be an integer from 68 to 65535, not ${shown(v)}`);
  return v;
}
function pod(v: unknown, f: string): PodRef {
  const o = object(v, f);
  onlyKeys(o, ['namespace', 'name', 'uid'], f);
  const out: PodRef = {};
  const ns = opt(o, 'namespace', k8sName, f);
  const name = opt(o, 'name', k8sName, f);
  const uid = opt(o, 'uid', podUid, f);
  if (ns !== undefined) out.namespace = ns;
  if (name !== undefined) out.name = name;
  if (uid !== undefined) out.uid = uid;
  return out;
}

function key(o: Obj): AttachmentKey {
  for (const k of ['container_id', 'ifname', 'network_id']) if (o[k] === undefined) bad(k, 'is required');
  return {
    container_id: containerId(o.container_id, 'container_id'),
    ifname: ifname(o.ifname, 'ifname'),
    network_id: neutronId(o.network_id, 'network_id'),
  };
}

const ADD_KEYS = [
  'container_id',
  'ifname',
  'network_id',
  'netns',
  'subnet_id',
  'security_group_ids',
  'mac',
  'ips',
  'pod',
  'policy_group_id',
  'labels',
  'mtu',
] as const;

/** CONVENTIONS' labels: the plugin passes args.cni.labels on as given; the daemon only bounds them. */
function label(v: unknown, f: string): { key: string; value: string } {
  const o = object(v, f);
  onlyKeys(o, ['key', 'value'], f);
  if (typeof o.value !== 'string') bad(`${f}.value`, `must be a string, not ${shown(o.value)}`);
  if (o.value.length > 255) bad(`${f}.value`, 'must be at most 255 characters');
  return { key: str(o.key, `${f}.key`, /^[^\0]+$/, 'a label key', 255), value: o.value };
}

export function parseAdd(body: unknown): AddRequest {
  const o = object(body, 'body');
  onlyKeys(o, ADD_KEYS, '');
  const out: AddRequest = key(o);
  const set = <K extends keyof AddRequest>(k: K, v: AddRequest[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('netns', opt(o, 'netns', netnsPath));
  set('subnet_id', opt(o, 'subnet_id', neutronId));
  set(
    'security_group_ids',
    opt(o, 'security_group_ids', (v, f) => list(v, f, neutronId)),
  );
  set('mac', opt(o, 'mac', mac));
  set(
    'ips',
    opt(o, 'ips', (v, f) => list(v, f, ip, 16)),
  );
  set('pod', opt(o, 'pod', pod));
  set('policy_group_id', opt(o, 'policy_group_id', groupId));
  set(
    'labels',
    opt(o, 'labels', (v, f) => list(v, f, label, 64)),
  );
  set('mtu', opt(o, 'mtu', mtu));
  return out;
}

export function parseDel(body: unknown): DelRequest {
  const o = object(body, 'body');
  onlyKeys(o, ['container_id', 'ifname', 'network_id'], '');
  return key(o);
}

export function parseCheck(body: unknown): CheckRequest {
  const o = object(body, 'body');
  onlyKeys(o, ['container_id', 'ifname', 'network_id', 'mac', 'ips'], '');
  const out: CheckRequest = key(o);
  const m = opt(o, 'mac', mac);
  const ips = opt(o, 'ips', (v, f) => list(v, f, ip, 16));
  if (m !== undefined) out.mac = m;
  if (ips !== undefined) out.ips = ips;
  return out;
}

export function parseGc(body: unknown): GcRequest {
  const o = object(body, 'body');
  onlyKeys(o, ['network_id', 'valid_attachments'], '');
  if (o.network_id === undefined) bad('network_id', 'is required');
  if (o.valid_attachments === undefined) bad('valid_attachments', 'is required');
  return {
    network_id: neutronId(o.network_id, 'network_id'),
    valid_attachments: list(
      o.valid_attachments,
      'valid_attachments',
      (v, f) => {
        const a = object(v, f);
        onlyKeys(a, ['containerID', 'ifname'], f);
        if (a.containerID === undefined) bad(`${f}.containerID`, 'is required');
        if (a.ifname === undefined) bad(`${f}.ifname`, 'is required');
        return {
          containerID: containerId(a.containerID, `${f}.containerID`),
          ifname: ifname(a.ifname, `${f}.ifname`),
        };
      },
      100_000,
    ),
  };
}
