/**
 * Every guest renderer behind one table. Input is a NetworkConfig that went through parse (route policy
 * applied) and resolveNames (every Link.name set); output is the files at their target paths.
 *
 * @example
 *   const files = RENDERERS.netplan(resolveNames(parse(json), parseMacMap('eth0=fa:16:3e:00:00:01')));
 */
import type { NetworkConfig } from '../model/types.ts';
import { renderIfupdown } from './ifupdown.ts';
import { renderIp } from './ip.ts';
import { renderNetplan } from './netplan.ts';
import { renderNetworkd } from './networkd.ts';
import { renderNetworkManager } from './networkmanager.ts';
import { renderPowershell } from './powershell.ts';
import { renderSysconfig } from './sysconfig.ts';
import type { Format, RenderedFile, RenderOptions } from './types.ts';

export { createdDevice, type IpCommand, isCreate, renderIpCommands, renderIpCommandsByNic } from './ip.ts';
export { FORMATS, type Format, type RenderedFile, type RenderOptions } from './types.ts';

export const RENDERERS: Record<Format, (cfg: NetworkConfig, opts?: RenderOptions) => RenderedFile[]> = {
  ifupdown: renderIfupdown,
  netplan: renderNetplan,
  sysconfig: renderSysconfig,
  networkd: renderNetworkd,
  networkmanager: renderNetworkManager,
  powershell: renderPowershell,
  ip: renderIp,
};
