/**
 * osnet-ovs: what ovs-cni does, for hosts without it. ADD makes a veth into the netns with the given MAC,
 * MTU, the IPAM's addresses and routes, and puts the host end on the bridge with
 * external_ids:iface-id=<ovnPort> so OVN binds the Neutron port. DEL removes the OVS port and the veth and
 * succeeds when they, or the netns, are gone. CHECK compares the netns and OVS with prevResult. GC
 * removes its ports of this network that are not in the valid attachments. STATUS asks OVSDB.
 *
 * @example
 *   {"cniVersion":"1.1.0","name":"n","type":"osnet-ovs","bridge":"br-int","socket_file":"unix:/run/ovs/db.sock",
 *    "tx_offload":false,"args":{"cni":{"ovnPort":"<port id>","mac":"fa:16:3e:…"}},"ipam":{"type":"static",…}}
 */
import { decodeStdin } from '../config.ts';
import { type CniEnv, parseEnv } from '../env.ts';
import { CNI_ERR, CniError, cniErrorResult, toCniError } from '../errors.ts';
import { execPluginFile, findPlugin, pluginVersions } from '../exec-plugin.ts';
import type { JsonObject } from '../fields.ts';
import { type CniResult, formatResult, parseResult } from '../result.ts';
import { isSupported, LATEST_VERSION, negotiateVersion, versionAnswer } from '../versions.ts';
import { type OvsConfig, parseOvsConfig } from './config.ts';
import {
  deleteLink,
  finishVeth,
  hostIfname,
  makeVeth,
  netnsExists,
  showLink,
  type VethPlan,
} from './link.ts';
import { staticCheck, staticInProcess, staticResult } from './static-ipam.ts';
import { Vsctl } from './vsctl.ts';

type Env = Readonly<Record<string, string | undefined>>;

interface Call {
  cfg: OvsConfig;
  e: CniEnv;
  env: Record<string, string>;
  vsctl: Vsctl;
}

export async function runOvsPlugin(
  env: Env,
  stdin: Uint8Array | string,
): Promise<{ stdout: string; exitCode: number }> {
  let version: string = LATEST_VERSION;
  try {
    const e = parseEnv(env);
    const text = typeof stdin === 'string' ? stdin : new TextDecoder().decode(stdin);
    if (e.command === 'VERSION') return { stdout: `${JSON.stringify(versionAnswer(text))}\n`, exitCode: 0 };
    const raw = decodeStdin(stdin);
    if (isSupported(raw.cniVersion)) version = raw.cniVersion;
    const cfg = parseOvsConfig(raw, e.command, e.args);
    const plain: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) plain[k] = v;
    const call: Call = { cfg, e, env: plain, vsctl: new Vsctl(cfg.db) };
    switch (e.command) {
      case 'ADD':
        return { stdout: `${JSON.stringify(await add(call))}\n`, exitCode: 0 };
      case 'DEL':
        await del(call);
        break;
      case 'CHECK':
        await check(call);
        break;
      case 'GC':
        await gc(call);
        break;
      case 'STATUS':
        await status(call);
        break;
    }
    return { stdout: '', exitCode: 0 };
  } catch (err) {
    return { stdout: `${JSON.stringify(cniErrorResult(toCniError(err), version))}\n`, exitCode: 1 };
  }
}

async function ipam(call: Call, verb: 'ADD' | 'DEL' | 'CHECK', prev?: CniResult): Promise<CniResult> {
  const ipamConf = call.cfg.ipam!;
  if (staticInProcess(call.cfg.raw, call.e.args)) {
    if (verb === 'ADD') return staticResult(ipamConf);
    if (verb === 'CHECK') staticCheck(ipamConf, prev ?? {});
    return {};
  }
  const conf: JsonObject = { ...call.cfg.raw };
  delete conf.prevResult;
  const type = String(ipamConf.type);
  const who = `ipam ${type}`;
  const file = await findPlugin(type, call.e.path);
  // an IPAM plugin may stop at an older version than ours (Debian's static: 1.0.0)
  const supported = await pluginVersions(file, who, call.env, call.cfg.cniVersion);
  const version = negotiateVersion(call.cfg.cniVersion, supported, verb);
  conf.cniVersion = version;
  if (prev) conf.prevResult = formatResult(prev, version);
  const { stdout } = await execPluginFile(file, who, verb, conf, call.env);
  if (verb !== 'ADD') return {};
  return parseResult(JSON.parse(stdout), { version, path: `${who} result` }).result;
}

async function add(call: Call): Promise<JsonObject> {
  const { cfg, e } = call;
  const ifname = e.ifname!;
  const netns = e.netns!;
  if (!netnsExists(netns))
    throw new CniError(CNI_ERR.UNKNOWN_CONTAINER, `CNI_NETNS ${netns} does not exist`, {
      field: 'CNI_NETNS',
    });
  const host = hostIfname(e.containerId!, ifname);
  const addressing = cfg.ipam ? await ipam(call, 'ADD') : {};
  const plan: VethPlan = {
    host,
    ifname,
    netns,
    ...(cfg.mac ? { mac: cfg.mac } : {}),
    ...(cfg.mtu ? { mtu: cfg.mtu } : {}),
    txOff: !cfg.txOffload,
    ips: addressing.ips ?? [],
    routes: addressing.routes ?? [],
  };
  let made = false;
  try {
    const podMac = await makeVeth(plan);
    made = true;
    // independent of each other, so side by side: each process is a share of a warm ADD
    const [finished, added] = await Promise.allSettled([
      finishVeth(plan),
      call.vsctl.addPort(cfg.bridge, host, {
        ...(cfg.ovnPort ? { ovnPort: cfg.ovnPort } : {}),
        mac: podMac,
        network: cfg.name,
        containerId: e.containerId!,
        ifname,
      }),
    ]);
    // both settle before any rollback, so none races a command still running
    if (finished.status === 'rejected') throw finished.reason;
    if (added.status === 'rejected') throw added.reason;
    const macs = { hostMac: finished.value, podMac };
    const result: CniResult = {
      interfaces: [
        { name: host, mac: macs.hostMac },
        { name: ifname, mac: macs.podMac, sandbox: netns, ...(cfg.mtu ? { mtu: cfg.mtu } : {}) },
      ],
      ips: (addressing.ips ?? []).map((ip) => ({ ...ip, interface: 1 })),
    };
    if (addressing.routes) result.routes = addressing.routes;
    if (addressing.dns) result.dns = addressing.dns;
    return formatResult(result, cfg.cniVersion);
  } catch (err) {
    // makeVeth leaves nothing behind when it fails itself
    if (made) {
      await call.vsctl.delPort(host).catch(() => undefined);
      await deleteLink(host).catch(() => undefined);
    }
    if (cfg.ipam) await ipam(call, 'DEL').catch(() => undefined);
    throw err;
  }
}

async function del(call: Call): Promise<void> {
  const { cfg, e } = call;
  const host = hostIfname(e.containerId!, e.ifname!);
  // both are idempotent: a DEL that fails half-way is completed by the runtime's next DEL
  const [, hadHost] = await Promise.all([call.vsctl.delPort(host), deleteLink(host)]);
  // the host end may be gone with the pod end left behind (another tool removed it)
  if (!hadHost && netnsExists(e.netns)) await deleteLink(e.ifname!, e.netns);
  if (cfg.ipam) await ipam(call, 'DEL');
}

function fail(what: string): never {
  throw new CniError(CNI_ERR.INTERNAL, `CHECK: ${what}`);
}

async function check(call: Call): Promise<void> {
  const { cfg, e } = call;
  const ifname = e.ifname!;
  const netns = e.netns!;
  const prev = cfg.prevResult!;
  const want = prev.interfaces?.find((i) => i.name === ifname && i.sandbox !== undefined);
  if (!want) fail(`prevResult lists no interface ${ifname} in a sandbox`);
  if (!netnsExists(netns)) fail(`netns ${netns} is gone`);
  const link = await showLink(ifname, netns);
  if (!link) fail(`${ifname} is missing in ${netns}`);
  if (link.linkinfo?.info_kind !== 'veth')
    fail(`${ifname} is a ${link.linkinfo?.info_kind ?? 'device'}, not a veth`);
  if (want.mac && link.address?.toLowerCase() !== want.mac.toLowerCase())
    fail(`${ifname} has MAC ${link.address}, prevResult says ${want.mac}`);
  if (cfg.mtu !== undefined && link.mtu !== cfg.mtu)
    fail(`${ifname} has MTU ${link.mtu}, the config says ${cfg.mtu}`);
  const have = new Set((link.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
  const index = prev.interfaces!.indexOf(want);
  for (const ip of prev.ips ?? []) {
    if (ip.interface !== undefined && ip.interface !== index) continue;
    if (!have.has(ip.address)) fail(`${ifname} lacks ${ip.address}`);
  }
  const host = hostIfname(e.containerId!, ifname);
  if (!(await showLink(host))) fail(`host end ${host} is missing`);
  const bridge = await call.vsctl.bridgeOf(host);
  if (bridge !== cfg.bridge) fail(`host end ${host} is on ${bridge ?? 'no bridge'}, not ${cfg.bridge}`);
  const ids = await call.vsctl.externalIds(host);
  if (cfg.ovnPort && ids?.['iface-id'] !== cfg.ovnPort)
    fail(`OVS port ${host} has iface-id ${ids?.['iface-id'] ?? '(none)'}, not ${cfg.ovnPort}`);
  if (cfg.ipam) await ipam(call, 'CHECK', prev);
}

async function gc(call: Call): Promise<void> {
  const { cfg } = call;
  const keep = new Set((cfg.validAttachments ?? []).map((a) => hostIfname(a.containerID, a.ifname)));
  for (const port of await call.vsctl.ours(cfg.name)) {
    if (keep.has(port.name)) continue;
    await call.vsctl.delPort(port.name);
    await deleteLink(port.name);
  }
}

async function status(call: Call): Promise<void> {
  try {
    if (await call.vsctl.bridgeExists(call.cfg.bridge)) return;
  } catch (err) {
    throw new CniError(CNI_ERR.NOT_AVAILABLE, `OVSDB does not answer: ${(err as Error).message}`, {
      cause: err,
    });
  }
  throw new CniError(CNI_ERR.NOT_AVAILABLE, `bridge ${call.cfg.bridge} does not exist`);
}
