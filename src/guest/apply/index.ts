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
import { setTimeout as sleep } from 'node:timers/promises';
import { Exec } from '../../host/exec.ts';
import { OsnetError } from '../../lib/errors.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';
import { type Format, GUEST_FORMATS } from '../formats/index.ts';
import { IpTool } from '../formats/ip/live.ts';
import { nicViews } from '../formats/nic.ts';
import type { NicSets, RenderedFile } from '../formats/types.ts';
import type { Link, NetworkConfig } from '../model/types.ts';
import { resolvConf } from './dns.ts';
import {
  type FileChange,
  isSymlink,
  makeBackup,
  planFiles,
  RESOLV_CONF,
  restoreBackup,
  STATE_DIR,
  sha256Of,
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
  /**
   * MACs the metadata lists that are not on the system (yet); the files of their NICs are kept. The
   * config passed has had their links dropped (dropAbsentLinks).
   */
  absentMacs?: string[];
  /** Read every reconfigured NIC back (up, MTU, static addresses) and fail when it is not configured. Default true. */
  verify?: boolean;
  /** Longest wait for the read-back to agree, ms. */
  verifyMs?: number;
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
 * The files of `format` at their target paths, plus resolv.conf where the format's stack does not carry
 * DNS. For a format applied live (ip) the rendered script is included: `render` writes it, apply does not.
 */
export async function renderFor(cfg: NetworkConfig, format: Format, root: string): Promise<RenderedFile[]> {
  const def = GUEST_FORMATS[format];
  const files = [...def.render(cfg, {})];
  if (def.ownsDns(root) && !(await isSymlink(root, RESOLV_CONF))) {
    const rc = resolvConf(cfg);
    if (rc) files.push(rc);
  }
  return files;
}

/** The files apply writes: those of renderFor, less the script of a live format (it applies directly). */
async function filesToApply(cfg: NetworkConfig, format: Format, root: string): Promise<RenderedFile[]> {
  const files = await renderFor(cfg, format, root);
  return GUEST_FORMATS[format].apply.kind === 'live' ? files.filter((f) => f.path === RESOLV_CONF) : files;
}

/** `cfg` without any DNS server or search domain: what a file looks like apart from DNS. */
function withoutDns(cfg: NetworkConfig): NetworkConfig {
  return {
    ...cfg,
    dns: [],
    search: [],
    networks: cfg.networks.map((n) => ({ ...n, dns: [], search: [] })),
  };
}

/** Per rendered path, the hash of the file rendered without DNS (see ManifestEntry.shape). */
function shapesOf(cfg: NetworkConfig, format: Format): Map<string, string> {
  return new Map(GUEST_FORMATS[format].render(withoutDns(cfg), {}).map((f) => [f.path, sha256Of(f.content)]));
}

/** The physical MACs each NIC stands on (its own; a VLAN's parent's; a bond's members'). */
function macsByNic(cfg: NetworkConfig): (nic: string) => string[] {
  const byId = new Map(cfg.links.map((l) => [l.id, l]));
  const macsOf = (l: Link | undefined): string[] =>
    !l
      ? []
      : l.kind === 'physical'
        ? [l.mac]
        : l.kind === 'vlan'
          ? macsOf(byId.get(l.parent))
          : l.members.flatMap((m) => macsOf(byId.get(m)));
  const byName = new Map(cfg.links.map((l) => [l.name!, macsOf(l)]));
  return (nic) => byName.get(nic) ?? [];
}

function nicSets(
  cfg: NetworkConfig,
  changes: FileChange[],
  present: Set<string>,
  unhealthy: string[],
): NicSets {
  const wanted = new Set(cfg.links.map((l) => l.name!));
  const virtual = new Set(cfg.links.filter((l) => l.kind !== 'physical').map((l) => l.name!));
  const spanning = changes.some((c) => c.nic === undefined && c.path !== RESOLV_CONF && !c.dns);
  const full = changes.filter((c) => c.nic !== undefined && !c.dnsOnly).map((c) => c.nic!);
  const changed = new Set([...(spanning ? wanted : full), ...unhealthy]);
  const up = [...changed].filter((n) => wanted.has(n) && (present.has(n) || virtual.has(n)));
  const down = [
    ...new Set([
      ...changes.filter((c) => c.action !== 'add' && c.nic !== undefined && !c.dnsOnly).map((c) => c.nic!),
      ...unhealthy,
    ]),
  ].filter((n) => present.has(n));
  const dns = [
    ...new Set(
      changes.filter((c) => c.dnsOnly && c.nic !== undefined && !changed.has(c.nic)).map((c) => c.nic!),
    ),
  ].filter((n) => present.has(n));
  return { up, down, dns };
}

/** What a NIC must show once its stack configured it: up, its MTU, its static addresses. */
interface Expected {
  name: string;
  mtu?: number;
  addrs: string[];
}

function expectations(cfg: NetworkConfig): Map<string, Expected> {
  return new Map(
    nicViews(cfg).map((n) => [
      n.name,
      {
        name: n.name,
        ...(n.link.mtu !== undefined ? { mtu: n.link.mtu } : {}),
        addrs: n.addresses.map((a) => a.cidr),
      },
    ]),
  );
}

/**
 * What differs between a NIC read back and what it should show; empty when it is configured, and when the
 * NIC went away meanwhile (a hot-remove during the apply is the next event's business, not a failure).
 */
async function readBack(ipt: IpTool, want: Expected): Promise<string[]> {
  const live = await ipt.live(want.name).catch(() => undefined);
  if (!live) return [];
  const out: string[] = [];
  if (!live.up) out.push(`${want.name} is down`);
  if (want.mtu !== undefined && live.mtu !== want.mtu)
    out.push(`${want.name} has MTU ${live.mtu}, not ${want.mtu}`);
  const missing = want.addrs.filter((a) => !live.addrs.includes(a));
  if (missing.length > 0) out.push(`${want.name} lacks ${missing.join(', ')}`);
  return out;
}

/** Reads the NICs back until all are configured or `ms` passes (networkd applies asynchronously). */
async function verify(ipt: IpTool, wants: Expected[], ms: number): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const problems = (await Promise.all(wants.map((w) => readBack(ipt, w)))).flat();
    if (problems.length === 0 || Date.now() >= end) return problems;
    await sleep(VERIFY_POLL_MS);
  }
}

const VERIFY_POLL_MS = 200;
/** How long a stack may take to configure a NIC after its tool returned. */
const VERIFY_MS = 15_000;

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

  const files = await filesToApply(cfg, opts.format, root);
  const plan = await planFiles(root, files, {
    shapes: def.apply.kind === 'live' ? new Map() : shapesOf(cfg, opts.format),
    macsOf: macsByNic(cfg),
    absentMacs: new Set(opts.absentMacs ?? []),
  });
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

  const ipt = new IpTool(exec, opts.netns);
  const present = reconfigure ? await ipt.linkNames() : new Set<string>();
  const driver = def.apply.driver({ root });
  const runStep = async (argv: string[]) => {
    log?.info({ command: argv }, 'reconfigure');
    await exec.run(wrap(argv));
  };
  const verifying = reconfigure && opts.verify !== false;
  const wants = expectations(cfg);
  let unhealthy: string[] = [];
  if (reconfigure) {
    for (const argv of driver.forget?.(present) ?? []) await runStep(argv);
    // A NIC whose files did not change may still not be configured (its stack lost it, or it is a new NIC
    // under an old name): read every present NIC back, and reconfigure the ones that are not.
    if (verifying) {
      const changed = new Set(
        plan.changes.flatMap((c) => (c.nic !== undefined && !c.dnsOnly ? [c.nic] : [])),
      );
      const idle = [...wants.values()].filter((w) => present.has(w.name) && !changed.has(w.name));
      for (const w of idle) {
        const problems = await readBack(ipt, w);
        if (problems.length === 0) continue;
        log?.warn({ nic: w.name, problems }, 'NIC not configured although its files are; reconfiguring it');
        unhealthy.push(w.name);
      }
    }
  }
  if (plan.changes.length === 0 && unhealthy.length === 0) {
    log?.info({ format: opts.format }, 'configuration unchanged; nothing to do');
    return result;
  }
  result.missing = cfg.links
    .filter((l) => l.kind === 'physical' && reconfigure && !present.has(l.name!))
    .map((l) => l.name!);
  unhealthy = unhealthy.filter((n) => present.has(n));
  const sets = nicSets(cfg, plan.changes, present, unhealthy);
  const backup = await makeBackup(root, plan);
  result.backup = backup.dir;
  try {
    if (reconfigure) for (const argv of driver.before(sets, plan.changes)) await runStep(argv);
    await writePlan(root, plan);
    if (reconfigure) for (const argv of driver.after(sets, plan.changes)) await runStep(argv);
    if (verifying) {
      const check = [...sets.up, ...sets.dns].flatMap((n) => {
        const w = wants.get(n);
        return w ? [w] : [];
      });
      const problems = await verify(ipt, check, opts.verifyMs ?? VERIFY_MS);
      if (problems.length > 0)
        throw new OsnetError(
          'OSNET_ERR_APPLY',
          `NIC not configured after reconfigure: ${problems.join('; ')}`,
        );
    }
    await writeManifest(root, plan.manifest);
  } catch (err) {
    log?.error({ err: (err as Error).message, backup: backup.dir }, 'apply failed; restoring the backup');
    const problems: string[] = [];
    await restoreBackup(root, backup).catch((e: Error) => problems.push(`restore: ${e.message}`));
    if (reconfigure) {
      // Bring the stack back onto the restored files: take down what the new files brought up, then
      // raise the NICs that had a config before.
      const back: NicSets = { up: sets.down, down: sets.up.filter((n) => present.has(n)), dns: sets.dns };
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
  if (reconfigure) result.touched = [...new Set([...sets.down, ...sets.up, ...sets.dns])];
  result.commands = exec.history.slice(startCmd);
  for (const c of plan.changes) log?.info({ nic: c.nic, path: c.path, action: c.action }, 'config file');
  return result;
}
