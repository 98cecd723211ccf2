/**
 * Per-call arguments from both channels: `args.cni` in the config and CNI_ARGS in the environment.
 * CONVENTIONS: when `args` carries a key, the CNI_ARGS field for it must be ignored (args.cni.ips
 * replaces IP, args.cni.mac replaces MAC, and a key of the same name replaces any other field).
 * Kubernetes passes the pod in CNI_ARGS: K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_UID,
 * K8S_POD_INFRA_CONTAINER_ID.
 */
import { parseIpList } from './config.ts';
import { CNI_ERR, CniError } from './errors.ts';
import { type JsonObject, listAt, MAC, objectAt, optString, reqString } from './fields.ts';

export interface K8sPod {
  namespace?: string;
  name?: string;
  uid?: string;
  infraContainerId?: string;
}

export interface CallArgs {
  /** Requested IPs (args.cni.ips, else CNI_ARGS IP=a,b). */
  ips?: string[];
  /** Requested MAC (args.cni.mac, else CNI_ARGS MAC). */
  mac?: string;
  /** args.cni.labels (CONVENTIONS: `[{key, value}]`), e.g. the pod's labels. */
  labels?: { key: string; value: string }[];
  k8s: K8sPod;
  /** The CNI_ARGS fields still in force after args.cni took its keys. */
  cniArgs: Record<string, string>;
  /** args.cni as given. */
  argsCni: JsonObject;
}

/** CNI_ARGS fields and the args.cni key that replaces each. */
const ARGS_CNI_KEY: Record<string, string> = { IP: 'ips', MAC: 'mac' };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const K8S_UID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function argError(key: string, what: string, from: Source = 'CNI_ARGS'): never {
  const code = from === 'CNI_ARGS' ? CNI_ERR.INVALID_ENV : CNI_ERR.INVALID_CONFIG;
  throw new CniError(code, `${from}.${key} ${what}`, { field: `${from}.${key}` });
}

type Source = 'CNI_ARGS' | 'args.cni';

function k8sPod(a: Record<string, string>, from: Source): K8sPod {
  const pod: K8sPod = {};
  const ns = a.K8S_POD_NAMESPACE;
  const name = a.K8S_POD_NAME;
  const uid = a.K8S_POD_UID;
  const bad: [string, string][] = [];
  if (ns !== undefined && !DNS_LABEL.test(ns)) bad.push(['K8S_POD_NAMESPACE', 'a Kubernetes namespace name']);
  if (name !== undefined && !DNS_SUBDOMAIN.test(name)) bad.push(['K8S_POD_NAME', 'a Kubernetes pod name']);
  if (uid !== undefined && !K8S_UID.test(uid)) bad.push(['K8S_POD_UID', 'a UUID']);
  if (bad.length > 0) {
    // Runtimes other than Kubernetes fill these too: podman puts its container name (`happy_turing`) in
    // K8S_POD_NAME and K8S_POD_NAMESPACE. Such a call names no Kubernetes pod, and refusing it would fail
    // even the DEL of `podman rm`. args.cni is written by the user, so it is still checked.
    if (from === 'CNI_ARGS') return pod;
    const [key, shape] = bad[0]!;
    argError(key, `must be ${shape}, not ${JSON.stringify(a[key])}`, from);
  }
  if (ns !== undefined) pod.namespace = ns;
  if (name !== undefined) pod.name = name;
  if (uid !== undefined) pod.uid = uid;
  const infra = a.K8S_POD_INFRA_CONTAINER_ID;
  if (infra !== undefined && infra !== '') pod.infraContainerId = infra;
  return pod;
}

function parseLabels(v: unknown): { key: string; value: string }[] {
  const c = { code: CNI_ERR.INVALID_CONFIG };
  return listAt(v, 'args.cni.labels', c).map((x, i) => {
    const p = `args.cni.labels[${i}]`;
    const o = objectAt(x, p, c);
    return { key: reqString(o, 'key', p, c, { nonEmpty: true }), value: reqString(o, 'value', p, c) };
  });
}

export function mergeArgs(cniArgs: Record<string, string>, configArgs: JsonObject | undefined): CallArgs {
  const argsCni = (configArgs?.cni as JsonObject | undefined) ?? {};
  const kept: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(cniArgs)) {
    const replacement = ARGS_CNI_KEY[key] ?? key;
    if (argsCni[replacement] === undefined && argsCni[key] === undefined) kept[key] = value;
  }
  const out: CallArgs = { k8s: k8sPod(kept, 'CNI_ARGS'), cniArgs: kept, argsCni };
  if (argsCni.ips !== undefined) {
    out.ips = parseIpList(argsCni.ips, 'args.cni.ips');
  } else if (kept.IP !== undefined) {
    const list = kept.IP.split(',').filter((s) => s !== '');
    try {
      out.ips = parseIpList(list, 'CNI_ARGS.IP');
    } catch (e) {
      argError('IP', `must be IP addresses separated by ',' (${(e as Error).message})`);
    }
  }
  const mac = optString(
    argsCni,
    'mac',
    'args.cni',
    { code: CNI_ERR.INVALID_CONFIG },
    { pattern: MAC, shape: 'a MAC address' },
  );
  if (mac !== undefined) out.mac = mac;
  else if (kept.MAC !== undefined) {
    if (!MAC.test(kept.MAC)) argError('MAC', `must be a MAC address, not ${JSON.stringify(kept.MAC)}`);
    out.mac = kept.MAC;
  }
  if (argsCni.labels !== undefined) out.labels = parseLabels(argsCni.labels);
  // a pod given in args.cni (same key names) replaces the CNI_ARGS one
  const podFromArgs: Record<string, string> = {};
  for (const key of ['K8S_POD_NAMESPACE', 'K8S_POD_NAME', 'K8S_POD_UID', 'K8S_POD_INFRA_CONTAINER_ID']) {
    const v = optString(argsCni, key, 'args.cni', { code: CNI_ERR.INVALID_CONFIG });
    if (v !== undefined) podFromArgs[key] = v;
  }
  if (Object.keys(podFromArgs).length > 0) out.k8s = { ...out.k8s, ...k8sPod(podFromArgs, 'args.cni') };
  return out;
}
