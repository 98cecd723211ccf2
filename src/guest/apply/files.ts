/**
 * The file half of apply: compares rendered files with what is on disk, backs up what it will replace or
 * delete, writes each file atomically (src/host/files.ts), and can restore the backup.
 * A manifest remembers which files osnet-guest wrote, so the config of a NIC that is gone is removed and
 * nothing else ever is.
 *
 * @example
 *   const plan = await planFiles('/', rendered);
 *   const backup = await makeBackup('/', plan);
 *   await writePlan('/', plan);
 *   // ... reconfigure fails:
 *   await restoreBackup('/', backup);
 */
import { lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../../host/files.ts';
import { OsnetError } from '../../lib/errors.ts';
import { sha256Hex } from '../../lib/sha256.ts';
import type { RenderedFile } from '../formats/types.ts';

/** osnet-guest's own state under the target root. */
export const STATE_DIR = '/var/lib/osnet-guest';
const KEEP_BACKUPS = 5;
/** Written when there is DNS to set, never deleted (the system always needs one). */
export const RESOLV_CONF = '/etc/resolv.conf';

export interface ManifestEntry {
  path: string;
  nic?: string;
  sha256: string;
  /** A file of global DNS settings (RenderedFile.dns). */
  dns?: boolean;
  /**
   * Hash of the file rendered without any DNS: equal before and after, a change touches DNS only and is
   * applied without taking the NIC down.
   */
  shape?: string;
  /** MACs of the NICs the file's NIC stands on, so its file is kept while such a NIC is only absent. */
  macs?: string[];
}

export interface FileChange {
  path: string;
  action: 'add' | 'change' | 'remove';
  nic?: string;
  /** New content (add/change). */
  content?: string;
  mode?: number;
  /** Current content on disk (change/remove), for diffs and backups. */
  old?: string;
  /** A change of DNS settings only (same shape as before, see ManifestEntry.shape). */
  dnsOnly?: boolean;
  /** A file of global DNS settings (RenderedFile.dns). */
  dns?: boolean;
}

export interface FilePlan {
  changes: FileChange[];
  unchanged: string[];
  /** The manifest to record once the plan is applied. */
  manifest: ManifestEntry[];
}

export interface Backup {
  dir: string;
  changes: FileChange[];
}

export function under(root: string, path: string): string {
  return join(root, path);
}

// Not node:crypto: loading it was a good part of each short-lived process's start (see sha256.ts).
const sha256 = sha256Hex;

async function readIfExists(file: string): Promise<{ content: string; mode: number } | undefined> {
  try {
    const [content, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { content, mode: st.mode & 0o7777 };
  } catch {
    return undefined;
  }
}

export async function readManifest(root: string): Promise<ManifestEntry[]> {
  try {
    const m = JSON.parse(await readFile(under(root, join(STATE_DIR, 'manifest.json')), 'utf8')) as {
      files?: ManifestEntry[];
    };
    return m.files ?? [];
  } catch {
    return [];
  }
}

export async function writeManifest(root: string, files: ManifestEntry[]): Promise<void> {
  await writeAtomic(
    under(root, join(STATE_DIR, 'manifest.json')),
    `${JSON.stringify({ files }, null, 2)}\n`,
    0o600,
  );
}

export interface PlanOptions {
  /** Per rendered path, the hash of that file rendered without DNS (ManifestEntry.shape). */
  shapes?: Map<string, string>;
  /** MACs each NIC's files depend on (ManifestEntry.macs). */
  macsOf?: (nic: string) => string[];
  /**
   * MACs the metadata lists but the system does not have (yet): files osnet-guest wrote for them are kept,
   * not removed, so a NIC that appears late or is away for a moment keeps its configuration.
   */
  absentMacs?: Set<string>;
}

export function sha256Of(s: string): string {
  return sha256(s);
}

/** Compares `rendered` with the files under `root` and with the previous manifest. */
export async function planFiles(
  root: string,
  rendered: RenderedFile[],
  opts: PlanOptions = {},
): Promise<FilePlan> {
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  const manifest: ManifestEntry[] = [];
  const seen = new Set<string>();
  const previous = new Map((await readManifest(root)).map((e) => [e.path, e]));
  for (const f of rendered) {
    if (!f.path.startsWith('/'))
      throw new OsnetError('OSNET_ERR_INTERNAL', `rendered path ${f.path} is not absolute`);
    seen.add(f.path);
    const mode = f.mode ?? 0o644;
    const cur = await readIfExists(under(root, f.path));
    const entry: ManifestEntry = { path: f.path, sha256: sha256(f.content) };
    if (f.nic !== undefined) entry.nic = f.nic;
    if (f.dns) entry.dns = true;
    const shape = opts.shapes?.get(f.path);
    if (shape !== undefined) entry.shape = shape;
    const macs = f.nic !== undefined ? opts.macsOf?.(f.nic) : undefined;
    if (macs && macs.length > 0) entry.macs = macs;
    manifest.push(entry);
    const base = {
      path: f.path,
      content: f.content,
      mode,
      ...(f.nic !== undefined ? { nic: f.nic } : {}),
      ...(f.dns ? { dns: true } : {}),
    };
    const before = previous.get(f.path);
    if (!cur) changes.push({ ...base, action: 'add' });
    else if (cur.content !== f.content || cur.mode !== mode) {
      // Only when the file on disk is the one osnet-guest wrote: a local edit is not a DNS change.
      const dnsOnly =
        shape !== undefined &&
        before?.shape === shape &&
        before.sha256 === sha256(cur.content) &&
        cur.mode === mode;
      changes.push({ ...base, action: 'change', old: cur.content, ...(dnsOnly ? { dnsOnly } : {}) });
    } else unchanged.push(f.path);
  }
  for (const old of previous.values()) {
    if (seen.has(old.path) || old.path === RESOLV_CONF) continue;
    const cur = await readIfExists(under(root, old.path));
    if (!cur) continue;
    if (old.macs?.some((m) => opts.absentMacs?.has(m))) {
      manifest.push(old);
      unchanged.push(old.path);
      continue;
    }
    changes.push({
      path: old.path,
      action: 'remove',
      old: cur.content,
      ...(old.nic !== undefined ? { nic: old.nic } : {}),
      ...(old.dns ? { dns: true } : {}),
    });
  }
  return { changes, unchanged, manifest };
}

async function pruneBackups(root: string): Promise<void> {
  const dir = under(root, join(STATE_DIR, 'backup'));
  const all = (await readdir(dir).catch(() => [] as string[])).sort();
  for (const old of all.slice(0, Math.max(0, all.length - KEEP_BACKUPS)))
    await rm(join(dir, old), { recursive: true, force: true });
}

/** Saves the current version of every file the plan replaces or deletes. */
export async function makeBackup(root: string, plan: FilePlan): Promise<Backup> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = under(root, join(STATE_DIR, 'backup', `${stamp}-${process.pid}`));
  await mkdir(dir, { recursive: true });
  for (const c of plan.changes) {
    if (c.old === undefined) continue;
    const cur = await stat(under(root, c.path));
    await writeAtomic(join(dir, 'files', c.path), c.old, cur.mode & 0o7777);
  }
  const index = plan.changes.map((c) => ({ path: c.path, action: c.action }));
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`, { mode: 0o600 });
  await pruneBackups(root);
  return { dir, changes: plan.changes };
}

/** Writes and deletes what the plan says. */
export async function writePlan(root: string, plan: FilePlan): Promise<void> {
  for (const c of plan.changes) {
    const target = under(root, c.path);
    if (c.action === 'remove') await rm(target, { force: true });
    else await writeAtomic(target, c.content ?? '', c.mode);
  }
}

/** Puts every file of a backup back: replaced and deleted files restored, added files deleted. */
export async function restoreBackup(root: string, backup: Backup): Promise<void> {
  for (const c of backup.changes) {
    const target = under(root, c.path);
    if (c.action === 'add') {
      await rm(target, { force: true });
      continue;
    }
    const saved = join(backup.dir, 'files', c.path);
    const st = await stat(saved);
    await writeAtomic(target, await readFile(saved, 'utf8'), st.mode & 0o7777);
  }
}

/** True when `path` under root is a symlink (a resolv.conf managed by systemd-resolved or resolvconf). */
export async function isSymlink(root: string, path: string): Promise<boolean> {
  try {
    return (await lstat(under(root, path))).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A unified-style line diff, enough for `--dry-run` to show what would change. */
export function simpleDiff(path: string, oldText: string | undefined, newText: string | undefined): string {
  const a = oldText === undefined ? [] : oldText.replace(/\n$/, '').split('\n');
  const b = newText === undefined ? [] : newText.replace(/\n$/, '').split('\n');
  // Longest common subsequence table; config files are small.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out = [
    `--- ${oldText === undefined ? '/dev/null' : `a${path}`}`,
    `+++ ${newText === undefined ? '/dev/null' : `b${path}`}`,
  ];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+${b[j]}`);
      j++;
    } else {
      out.push(`-${a[i]}`);
      i++;
    }
  }
  return `${out.join('\n')}\n`;
}
