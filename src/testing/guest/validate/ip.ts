/**
 * `ip` validator: the rendered script is syntax-checked with `sh -n`, then really run, twice (it must be
 * idempotent), in a throwaway network namespace `osr-ip-*` where every physical NIC of the config is a
 * veth with the right MAC. Addresses, MTU and routes are then read back with `ip -j` and compared with
 * the config. This kernel cannot create bond or VLAN devices, so for configs with those only the commands
 * of the plain NICs run, and the others are listed in `skipped` (not silently passed).
 *
 * @example
 *   const r = await validateIp(renderIp(cfg), cfg);
 */

import { renderIpCommandsByNic } from '../../../guest/formats/ip/render.ts';
import { nicViews } from '../../../guest/formats/nic.ts';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { routableNow } from '../../../guest/model/routes.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { lines, run, type ValidationResult, withTempDir, writeTree } from '../run.ts';

export interface IpValidationResult extends ValidationResult {
  /** NICs whose commands could not run here (bond/VLAN devices, or NICs that depend on them). */
  skipped: string[];
}

let counter = 0;

interface JsonAddr {
  ifname: string;
  mtu: number;
  addr_info: { family: string; local: string; prefixlen: number; scope: string }[];
}
interface JsonRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
}

function normDst(dst: string, family: 4 | 6): string {
  if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  return dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`;
}

async function ipJson<T>(ns: string, args: string[]): Promise<T> {
  const r = await run('ip', ['-n', ns, '-j', ...args]);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout || '[]') as T;
}

/** Makes every physical NIC of `cfg` a veth (with its MAC) in `ns`, the peer `osrpN` up beside it. */
export async function addVeths(ns: string, cfg: NetworkConfig, errors: string[]): Promise<void> {
  let i = 0;
  for (const nic of nicViews(cfg)) {
    if (nic.link.kind !== 'physical') continue;
    const peer = `osrp${i++}`;
    const args = [
      '-n',
      ns,
      'link',
      'add',
      nic.name,
      'address',
      nic.link.mac,
      'type',
      'veth',
      'peer',
      'name',
      peer,
    ];
    const r = await run('ip', args);
    if (r.code !== 0) errors.push(`veth ${nic.name}: ${r.stderr.trim()}`);
    await run('ip', ['-n', ns, 'link', 'set', 'dev', peer, 'up']);
  }
}

/**
 * Compares the live state of the NICs in `ran` (addresses other than link-local, MTU, routes that `ip`
 * could add now) with `cfg`, appending each mismatch to `errors`.
 */
export async function readBack(
  ns: string,
  cfg: NetworkConfig,
  ran: Set<string>,
  errors: string[],
): Promise<void> {
  const addrs = await ipJson<JsonAddr[]>(ns, ['address', 'show']);
  const routes4 = await ipJson<JsonRoute[]>(ns, ['-4', 'route', 'show', 'table', 'main']);
  const routes6 = await ipJson<JsonRoute[]>(ns, ['-6', 'route', 'show', 'table', 'main']);
  for (const nic of nicViews(cfg)) {
    if (!ran.has(nic.name)) continue;
    const live = addrs.find((a) => a.ifname === nic.name);
    if (!live) {
      errors.push(`${nic.name}: not present after the commands ran`);
      continue;
    }
    if (nic.link.mtu !== undefined && live.mtu !== nic.link.mtu)
      errors.push(`${nic.name}: mtu ${live.mtu}, want ${nic.link.mtu}`);
    const got = live.addr_info.filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`);
    const want = nic.bondMaster
      ? []
      : nic.addresses.filter((a) => !a.cidr.startsWith('fe80:')).map((a) => a.cidr);
    if (JSON.stringify([...got].sort()) !== JSON.stringify([...want].sort())) {
      errors.push(`${nic.name}: addresses ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    for (const r of nic.bondMaster ? [] : nic.routes.filter((x) => routableNow(x, nic.addresses))) {
      const table = r.family === 4 ? routes4 : routes6;
      const hit = table.find(
        (x) =>
          x.dev === nic.name &&
          normDst(x.dst, r.family) === r.to &&
          x.gateway === r.via &&
          (r.metric === undefined || x.metric === r.metric || (r.metric === 0 && x.metric === undefined)),
      );
      if (!hit)
        errors.push(
          `${nic.name}: route ${r.to} via ${r.via}${r.metric !== undefined ? ` metric ${r.metric}` : ''} missing`,
        );
    }
  }
}

/** Runs and checks the `ip` rendering of `cfg` (the files must be what renderIp made of `cfg`). */
export async function validateIp(files: RenderedFile[], cfg: NetworkConfig): Promise<IpValidationResult> {
  const errors: string[] = [];
  const skipped: string[] = [];
  const script = files.find((f) => f.path.endsWith('.sh'));
  if (!script) return { tool: 'ip (netns)', errors: ['no ip-commands.sh rendered'], warnings: [], skipped };
  const syntax = await run('sh', ['-n'], { input: script.content });
  if (syntax.code !== 0) errors.push(`sh -n: ${syntax.stderr.trim()}`);
  const ns = `osr-ip-${process.pid}-${counter++}`;
  const add = await run('ip', ['netns', 'add', ns]);
  if (add.code !== 0)
    return {
      tool: 'ip (netns)',
      errors: [`ip netns add ${ns}: ${add.stderr.trim()}`],
      warnings: [],
      skipped,
    };
  try {
    const views = nicViews(cfg);
    await addVeths(ns, cfg, errors);
    const plain = views.every((n) => n.link.kind === 'physical' && !n.bondMaster);
    const ran = new Set<string>();
    if (plain) {
      await withTempDir('osr-ip-', async (dir) => {
        await writeTree(dir, [script]);
        for (const pass of ['first', 'second']) {
          const r = await run('ip', ['netns', 'exec', ns, 'sh', `${dir}${script.path}`]);
          if (r.code !== 0) errors.push(`${pass} run: exit ${r.code}: ${lines(r.stderr).join(' ')}`);
        }
      });
      for (const n of views) ran.add(n.name);
    } else {
      for (const [name, cmds] of renderIpCommandsByNic(cfg)) {
        const nic = views.find((n) => n.name === name);
        if (nic?.link.kind !== 'physical') {
          skipped.push(name);
          continue;
        }
        for (const pass of ['first', 'second']) {
          for (const cmd of cmds) {
            const r = await run('ip', ['-n', ns, ...cmd.slice(1)]);
            if (r.code !== 0) errors.push(`${pass} run: ${cmd.join(' ')}: ${r.stderr.trim()}`);
          }
        }
        ran.add(name);
      }
    }
    await readBack(ns, cfg, ran, errors);
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
  return { tool: 'ip (netns)', errors, warnings: [], skipped };
}
