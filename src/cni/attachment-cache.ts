/**
 * One small file per attachment under /var/lib/cni/openstack-port-cni/<network_id>/ (libcni keeps its
 * results the same way): the delegate config ADD built and the delegate version it negotiated, so DEL and
 * CHECK hand the delegate the identical config without asking the daemon, and DEL works while the daemon
 * is down. A DEL whose release the daemon could not take is kept here as `pendingRelease` and handed to
 * the daemon by a later DEL, GC or STATUS. Written atomically and fsynced (src/host/files.ts).
 * `OSNET_CNI_CACHE_DIR` moves the directory (tests).
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../host/files.ts';
import { isObject, type JsonObject } from './fields.ts';
import type { AttachmentKey } from './protocol.ts';

export const DEFAULT_CACHE_DIR = '/var/lib/cni/openstack-port-cni';

export interface CacheEntry {
  key: AttachmentKey;
  port_id: string;
  mac: string;
  /** The delegate config exactly as ADD ran it (cniVersion = the negotiated version). */
  delegateConfig: JsonObject;
  /** The delegate's DEL is done, the daemon's release is not. */
  pendingRelease?: boolean;
}

export function cacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.OSNET_CNI_CACHE_DIR || DEFAULT_CACHE_DIR;
}

function fileOf(dir: string, key: AttachmentKey): string {
  // container id and ifname cannot hold '/' (env.ts), network_id is a UUID
  return join(dir, key.network_id, `${key.container_id}.${key.ifname}.json`);
}

function parseEntry(text: string): CacheEntry | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (!isObject(v) || !isObject(v.key) || !isObject(v.delegateConfig) || typeof v.port_id !== 'string')
      return undefined;
    return v as unknown as CacheEntry;
  } catch {
    return undefined;
  }
}

export async function readEntry(dir: string, key: AttachmentKey): Promise<CacheEntry | undefined> {
  try {
    return parseEntry(await readFile(fileOf(dir, key), 'utf8'));
  } catch {
    return undefined;
  }
}

export async function writeEntry(dir: string, entry: CacheEntry): Promise<void> {
  await mkdir(join(dir, entry.key.network_id), { recursive: true, mode: 0o700 });
  await writeAtomic(fileOf(dir, entry.key), `${JSON.stringify(entry)}\n`, 0o600);
}

export async function removeEntry(dir: string, key: AttachmentKey): Promise<void> {
  await rm(fileOf(dir, key), { force: true });
}

/** Every readable entry of one network (all networks when networkId is undefined). */
export async function listEntries(dir: string, networkId?: string): Promise<CacheEntry[]> {
  let nets: string[];
  try {
    nets = networkId === undefined ? await readdir(dir) : [networkId];
  } catch {
    return [];
  }
  const out: CacheEntry[] = [];
  for (const net of nets) {
    let files: string[];
    try {
      files = (await readdir(join(dir, net))).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const f of files) {
      const e = parseEntry(await readFile(join(dir, net, f), 'utf8').catch(() => ''));
      if (e) out.push(e);
    }
  }
  return out;
}
