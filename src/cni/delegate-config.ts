/**
 * The delegate's configuration, built from the plugin config and the port the daemon gave. It follows
 * ovs-cni's contract (docs/cni-plugin.md there): `bridge`, `socket_file`, `mtu`, `args.cni.ovnPort` and
 * `args.cni.mac`, and a static IPAM section with the port's addresses, routes and DNS, which every delegate
 * using IPAM understands. The `delegate` object of the config is merged in verbatim (its metadata too).
 *
 * It is a pure function of its inputs, and ADD stores its output in the attachment cache, so DEL and
 * CHECK hand the delegate the identical config ADD used (ovs-cni's CHECK compares it to its own cache).
 */
import type { PluginConfig } from './config.ts';
import type { JsonObject } from './fields.ts';
import type { PortInfo } from './protocol.ts';
import type { CniResult } from './result.ts';
import type { CniVersion } from './versions.ts';

/** ovs-cni's bridge when ovnPort is set. */
export const DEFAULT_BRIDGE = 'br-int';

export function buildDelegateConfig(cfg: PluginConfig, port: PortInfo, version: CniVersion): JsonObject {
  const ipam: JsonObject = {
    type: 'static',
    addresses: port.ips.map((ip) => ({
      address: ip.address,
      ...(ip.gateway ? { gateway: ip.gateway } : {}),
    })),
  };
  if (port.routes.length > 0)
    ipam.routes = port.routes.map((r) => ({ dst: r.dst, ...(r.gw ? { gw: r.gw } : {}) }));
  const dns: JsonObject = {};
  if (port.dns.nameservers.length > 0) dns.nameservers = [...port.dns.nameservers];
  if (port.dns.domain) dns.domain = port.dns.domain;
  if (port.dns.search && port.dns.search.length > 0) dns.search = [...port.dns.search];
  if (Object.keys(dns).length > 0) ipam.dns = dns;

  const conf: JsonObject = {
    cniVersion: version,
    name: cfg.name,
    type: cfg.delegatePlugin,
    bridge: cfg.bridge ?? DEFAULT_BRIDGE,
    ...(cfg.socketFile === undefined ? {} : { socket_file: cfg.socketFile }),
    mtu: port.mtu,
    ...(cfg.delegate ?? {}),
  };
  // what the port is decides these, whatever the delegate object says
  conf.type = cfg.delegatePlugin;
  conf.args = { cni: { ovnPort: port.port_id, mac: port.mac } };
  conf.ipam = ipam;
  return conf;
}

/** The same config for another verb: only CHECK carries a prevResult (in the delegate's version). */
export function withPrevResult(conf: JsonObject, prevResult: JsonObject | undefined): JsonObject {
  const out = { ...conf };
  delete out.prevResult;
  if (prevResult !== undefined) out.prevResult = prevResult;
  return out;
}

/** What the runtime is told the attachment is: the delegate's interfaces, Neutron's MAC, IPs, routes, DNS, MTU. */
export function resultFromPort(
  delegate: CniResult,
  port: PortInfo,
  ifname: string,
  netns?: string,
): CniResult {
  const interfaces = (delegate.interfaces ?? []).map((i) => ({ ...i }));
  let idx = interfaces.findIndex((i) => i.name === ifname && i.sandbox !== undefined);
  if (idx < 0) idx = interfaces.findIndex((i) => i.name === ifname);
  if (idx < 0) {
    interfaces.push({ name: ifname, ...(netns ? { sandbox: netns } : {}) });
    idx = interfaces.length - 1;
  }
  const pod = interfaces[idx]!;
  pod.mac = port.mac;
  pod.mtu = port.mtu;
  const out: CniResult = {
    interfaces,
    ips: port.ips.map((ip) => ({
      address: ip.address,
      ...(ip.gateway ? { gateway: ip.gateway } : {}),
      interface: idx,
    })),
  };
  const routes = delegate.routes ?? port.routes.map((r) => ({ dst: r.dst, ...(r.gw ? { gw: r.gw } : {}) }));
  if (routes.length > 0) out.routes = routes;
  const dns = delegate.dns ?? {};
  const merged = {
    ...dns,
    ...(port.dns.nameservers.length > 0 && !dns.nameservers
      ? { nameservers: [...port.dns.nameservers] }
      : {}),
    ...(port.dns.domain && dns.domain === undefined ? { domain: port.dns.domain } : {}),
    ...(port.dns.search && port.dns.search.length > 0 && !dns.search ? { search: [...port.dns.search] } : {}),
  };
  if (Object.keys(merged).length > 0) out.dns = merged;
  return out;
}
