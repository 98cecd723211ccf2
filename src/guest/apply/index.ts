/**
 * apply: render, diff against the files present, back up, write atomically, reconfigure only the NICs
 * whose files changed, remove the config of NICs that are gone, set DNS where the stack does not, and
 * restore the backup (and the previous NIC state) when any step fails.
 *
 * @example
 *   const named = resolveNames(parse(raw), await readSystemMacs());
 *   const result = await applyConfig(named, { format: 'netplan', root: '/' });
 *   result.touched; // ['ens4']
 */
import { join } from 'node:path';
import { Exec } from '../../host/exec.ts';
import { OsnetError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log.ts';
import { type Format, GUEST_FORMATS } from '../formats/index.ts';
import { IpTool } from '../formats/ip/live.ts';
import type { NicSets, RenderedFile } from '../formats/types.ts';
import type { NetworkConfig } from '../model/types.ts';
import { resolvConf } from './dns.ts';
import {
  type FileChange,
  isSymlink,
  makeBackup,
  planFiles,
  RESOLV_CONF,
  restoreBackup,
  STATE_DIR,
  writeManifest,
  writePlan,
} from './files.ts';

export interface ApplyOptions {
  format: Format;
  /** Target root; `/` on a real system. */
  root: string;
  /** Run the stack's tools (default: only when root is `/`, and always for live formats such as ip). */
  reconfigure?: boolean;
  /** Run every tool inside this network namespace (tests). */
  netns?: string;
  log?: Logger;
  exec?: Exec;
}

export interface ApplyResult {
  changes: { path: string; action: FileChange['action']; nic?: string }[];
  /** NICs reconfigured. */
  touched: string[];
  commands: string[][];
  /** NICs the metadata names that are not on the system. */
  missing: string[];
  /** Backup directory of this run (absent when nothing changed). */
  backup?: string;
}

/**
 * The files apply writes for `format` (at their target paths): the rendered ones, none for a format
 * applied live, plus resolv.conf where the format's stack does not carry DNS.
 */
export async function renderFor(cfg: NetworkConfig, format: Format, root: string): Promise<RenderedFile[]> {
  const def = GUEST_FORMATS[format];
  const files = def.apply.kind === 'live' ? [] : [...def.render(cfg, {})];
  if (def.ownsDns(root) && !(await isSymlink(root, RESOLV_CONF))) {
    const rc = resolvConf(cfg);
    if (rc) files.push(rc);
  }
  return files;
}

function nicSets(cfg: NetworkConfig, changes: FileChange[], present: Set<string>): NicSets {
  const wanted = new Set(cfg.links.map((l) => l.name!));
  const virtual = new Set(cfg.links.filter((l) => l.kind !== 'physical').map((l) => l.name!));
  const spanning = changes.some((c) => c.nic === undefined && c.path !== RESOLV_CONF);
  const changed = new Set(spanning ? wanted : changes.flatMap((c) => (c.nic === undefined ? [] : [c.nic])));
  const up = [...changed].filter((n) => wanted.has(n) && (present.has(n) || virtual.has(n)));
  const down = changes
    .filter((c) => c.action !== 'add' && c.nic !== undefined && present.has(c.nic))
    .map((c) => c.nic!)
    .filter((n, i, a) => a.indexOf(n) === i);
  return { up, down };
}

/** Applies a named config (resolveNames done); see the module comment. */
export async function applyConfig(cfg: NetworkConfig, opts: ApplyOptions): Promise<ApplyResult> {
  const exec = opts.exec ?? new Exec();
  const log = opts.log;
  const root = opts.root;
  const def = GUEST_FORMATS[opts.format];
  const reconfigure = opts.reconfigure ?? (root === '/' || def.apply.kind === 'live');
  const wrap = (argv: string[]) => (opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv);
  const startCmd = exec.history.length;
  const result: ApplyResult = { changes: [], touched: [], commands: [], missing: [] };

  const files = await renderFor(cfg, opts.format, root);
  const plan = await planFiles(root, files);
  result.changes = plan.changes.map((c) => ({
    path: c.path,
    action: c.action,
    ...(c.nic !== undefined ? { nic: c.nic } : {}),
  }));

  if (def.apply.kind === 'live') {
    if (reconfigure) {
      const live = await def.apply.run(cfg, {
        stateFile: join(root, STATE_DIR, `${def.name}-state.json`),
        exec,
        ...(opts.netns ? { netns: opts.netns } : {}),
        ...(log ? { log } : {}),
      });
      result.touched = live.touched;
      result.missing = live.missing;
    }
    if (plan.changes.length > 0) {
      const backup = await makeBackup(root, plan);
      result.backup = backup.dir;
      await writePlan(root, plan);
      await writeManifest(root, plan.manifest);
    }
    result.commands = exec.history.slice(startCmd);
    return result;
  }

  if (plan.changes.length === 0) {
    log?.info({ format: opts.format }, 'configuration unchanged; nothing to do');
    return result;
  }
  const present = reconfigure ? await new IpTool(exec, opts.netns).linkNames() : new Set<string>();
  result.missing = cfg.links
    .filter((l) => l.kind === 'physical' && reconfigure && !present.has(l.name!))
    .map((l) => l.name!);
  const sets = nicSets(cfg, plan.changes, present);
  const driver = def.apply.driver({ root });
  const backup = await makeBackup(root, plan);
  result.backup = backup.dir;
  try {
    const runStep = async (argv: string[]) => {
      log?.info({ command: argv }, 'reconfigure');
      await exec.run(wrap(argv));
    };
    if (reconfigure) for (const argv of driver.before(sets, plan.changes)) await runStep(argv);
    await writePlan(root, plan);
    if (reconfigure) for (const argv of driver.after(sets, plan.changes)) await runStep(argv);
    await writeManifest(root, plan.manifest);
  } catch (err) {
    log?.error({ err: (err as Error).message, backup: backup.dir }, 'apply failed; restoring the backup');
    const problems: string[] = [];
    await restoreBackup(root, backup).catch((e: Error) => problems.push(`restore: ${e.message}`));
    if (reconfigure) {
      // Bring the stack back onto the restored files: take down what the new files brought up, then
      // raise the NICs that had a config before.
      const back: NicSets = { up: sets.down, down: sets.up.filter((n) => present.has(n)) };
      const restored = backup.changes
        .filter((c) => c.action !== 'add')
        .map((c) => ({ ...c, content: c.old }));
      for (const argv of [...driver.before(back, restored), ...driver.after(back, restored)]) {
        await exec.run(wrap(argv)).catch((e: Error) => problems.push(e.message));
      }
    }
    const msg = err instanceof Error ? err.message : String(err);
    throw new OsnetError(
      'OSNET_ERR_APPLY',
      `${msg}; ${problems.length ? `rollback incomplete: ${problems.join('; ')}` : `rolled back to ${backup.dir}`}`,
      { cause: err, backup: backup.dir },
    );
  }
  result.touched = [...new Set([...sets.down, ...sets.up])];
  result.commands = exec.history.slice(startCmd);
  for (const c of plan.changes) log?.info({ nic: c.nic, path: c.path, action: c.action }, 'config file');
  return result;
}
