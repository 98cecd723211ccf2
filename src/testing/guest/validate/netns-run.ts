/**
 * The frame the daemon validators (ifupdown, networkd, NetworkManager) share: pick the NICs a daemon can
 * configure here, make a throwaway netns `<prefix>-*` with a veth per physical NIC, run the daemon in it,
 * and always delete the namespace. NICs that cannot run here are reported in `skipped`, not passed.
 *
 * @example
 *   return runInNetns('ifup (netns)', 'osr-ifu', cfg, async ({ ns, names, errors }) => {
 *     await run('ip', ['netns', 'exec', ns, 'ifup', ...names]);
 *     await readBack(ns, cfg, new Set(names), errors);
 *   });
 */

import { type NicView, nicViews } from '../../../guest/formats/nic.ts';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { lines, run, withTempDir, writeTree } from '../run.ts';
import { addVeths, type IpValidationResult } from './ip.ts';

let counter = 0;

/** What a validator's body works with; it appends what it finds wrong to `errors`. */
export interface NetnsRun {
  ns: string;
  /** The runnable NICs, by name. */
  names: string[];
  errors: string[];
}

/**
 * The NICs a daemon can configure in a netns: purely static physical ones. DHCP/RA would wait for a
 * server there is none of, and this kernel cannot create the bonds and VLANs that members/parents need.
 */
export function runnableNics(views: NicView[]): NicView[] {
  return views.filter(
    (n) =>
      n.link.kind === 'physical' &&
      !n.bondMaster &&
      n.vlanChildren.length === 0 &&
      !n.dhcp4 &&
      !n.dhcp6 &&
      n.acceptRa !== true,
  );
}

/** Runs `body` in a fresh netns `<prefix>-<pid>-<n>` holding the veths of `cfg`; nothing runnable: no netns. */
export async function runInNetns(
  tool: string,
  prefix: string,
  cfg: NetworkConfig,
  body: (r: NetnsRun) => Promise<void>,
): Promise<IpValidationResult> {
  const errors: string[] = [];
  const views = nicViews(cfg);
  const runnable = runnableNics(views);
  const names = runnable.map((n) => n.name);
  const skipped = views.filter((n) => !runnable.includes(n)).map((n) => n.name);
  if (names.length === 0) return { tool, errors, warnings: [], skipped };
  const ns = `${prefix}-${process.pid}-${counter++}`;
  const add = await run('ip', ['netns', 'add', ns]);
  if (add.code !== 0) return { tool, errors: [add.stderr.trim()], warnings: [], skipped };
  try {
    await addVeths(ns, cfg, errors);
    await body({ ns, names, errors });
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
  return { tool, errors, warnings: [], skipped };
}

/**
 * Runs a daemon's bash `script` in the netns under a private mount namespace (so its tmpfs mounts vanish
 * with it), as `script <tag> <dir> <NIC names...>` where `dir` is a temp dir holding `tree`. Each line it
 * prints is an error.
 */
export async function runDaemonScript(
  nr: NetnsRun,
  daemon: { name: string; tag: string; script: string },
  tree: RenderedFile[],
): Promise<void> {
  await withTempDir(`${daemon.tag}-`, async (dir) => {
    await writeTree(dir, tree);
    const r = await run(
      'ip',
      ['netns', 'exec', nr.ns, 'unshare', '-m', 'bash', '-c', daemon.script, daemon.tag, dir, ...nr.names],
      { timeoutMs: 60_000 },
    );
    nr.errors.push(...lines(r.stdout));
    if (r.code !== 0) nr.errors.push(`${daemon.name} run exit ${r.code}: ${r.stderr.trim()}`);
  });
}

/** The rendered files of the NICs in `names`, each moved to `<dir>/<its file name>`. */
export function nicFilesIn(files: RenderedFile[], names: string[], dir: string): RenderedFile[] {
  return files
    .filter((f) => f.nic !== undefined && names.includes(f.nic))
    .map((f) => ({ ...f, path: `${dir}/${f.path.split('/').pop()}` }));
}
