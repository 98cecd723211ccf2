/**
 * Every guest format, listed once. A format is one folder here (renderer, apply driver, DNS, detection;
 * see types.ts); adding one means adding its folder and its line below. Test tooling keys its
 * validators by the same names (src/testing/guest/validate/index.ts), and tsc asks for one per format.
 *
 * @example
 *   const files = RENDERERS.netplan(resolveNames(parse(json), parseMacMap('eth0=fa:16:3e:00:00:01')));
 *   GUEST_FORMATS.networkd.apply.kind; // 'files'
 */
import { ifupdown } from './ifupdown/index.ts';
import { ip } from './ip/index.ts';
import { netplan } from './netplan/index.ts';
import { networkd } from './networkd/index.ts';
import { networkmanager } from './networkmanager/index.ts';
import { powershell } from './powershell/index.ts';
import { sysconfig } from './sysconfig/index.ts';
import type { GuestFormat, Renderer } from './types.ts';

/** In the order `--format` lists them. */
const ALL = [ifupdown, netplan, sysconfig, networkd, networkmanager, powershell, ip] as const;

export type Format = (typeof ALL)[number]['name'];

export const FORMATS: readonly Format[] = ALL.map((f) => f.name);

function byName<T>(pick: (f: GuestFormat) => T): Record<Format, T> {
  return Object.fromEntries(ALL.map((f) => [f.name, pick(f)])) as Record<Format, T>;
}

export const GUEST_FORMATS: Record<Format, GuestFormat> = byName((f) => f);

export const RENDERERS: Record<Format, Renderer> = byName((f) => f.render);

export type { GuestFormat, RenderedFile, RenderOptions } from './types.ts';
