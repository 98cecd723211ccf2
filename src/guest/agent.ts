/**
 * One synchronisation of the guest with its metadata, shared by `apply`, `event` and `watch`: load the
 * source, validate, match NICs by MAC, and apply. After a NIC event it first waits (bounded) until the
 * metadata agrees with the system: udev's "remove" fires before Nova updates network_data.json, and an
 * "add" can precede it too. When the wait runs out, NICs absent from the system are left out and logged.
 *
 * @example
 *   await syncOnce({ source: { source: 'auto' }, format: 'netplan', root: '/', log });
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LinkEvent } from '../host/link-monitor.ts';
import { withLock } from '../host/lock.ts';
import { OsnetError } from '../lib/errors.ts';
import type { Log as Logger } from '../lib/log-lines.ts';
import { type ApplyResult, applyConfig } from './apply/index.ts';
import type { Format } from './formats/index.ts';
import { parse } from './model/parse.ts';
import { dropAbsentLinks, readSystemMacs, resolveNames } from './model/resolve-names.ts';
import type { NetworkConfig } from './model/types.ts';
import { loadSource, type SourceOptions } from './source/index.ts';

export interface AgentOptions {
  source: SourceOptions;
  format: Format;
  root: string;
  log: Logger;
  /** NIC names by MAC; read from `sysRoot` when absent. */
  macMap?: Map<string, string>;
  sysRoot?: string;
  netns?: string;
  reconfigure?: boolean;
  /** Read reconfigured NICs back and fail when one is not configured (default true). */
  verify?: boolean;
  /**
   * Link kinds whose appearance makes the agent wait for the metadata (default none: only links without a
   * kind, i.e. hardware and virtio NICs). A container's veth or a bridge is not a Nova NIC.
   */
  nicKinds?: string[];
}

export interface SyncHint {
  events: LinkEvent[];
  /** Longest wait for the metadata to agree with the system, ms. */
  waitMs: number;
  /** Interval between metadata re-reads while waiting, ms. */
  pollMs: number;
  /**
   * Ends the wait at once (the service stopping): the sync then rejects with an AbortError and applies
   * nothing, leaving the NIC to the next start's sync instead of holding the stop for up to --wait.
   */
  signal?: AbortSignal | undefined;
}

/**
 * Set once a sync of this boot succeeded; under run/, which is a tmpfs, so a reboot clears it and the
 * next first sync reads the config drive again.
 */
export function bootSyncedPath(root: string): string {
  return join(root, 'run', 'osnet-guest', 'boot-synced');
}

async function snapshot(opts: AgentOptions): Promise<{ cfg: NetworkConfig; macs: Map<string, string> }> {
  const bootSynced = existsSync(bootSyncedPath(opts.root));
  const { raw } = await loadSource(bootSynced ? { ...opts.source, bootSynced } : opts.source);
  const cfg = parse(raw);
  const macs = opts.macMap ?? (await readSystemMacs(opts.sysRoot));
  return { cfg, macs };
}

/** What still disagrees between metadata and system, given the events that triggered the sync. */
function disagreement(
  cfg: NetworkConfig,
  macs: Map<string, string>,
  events: LinkEvent[],
  nicKinds: string[],
): string[] {
  const listed = new Set(cfg.links.flatMap((l) => (l.kind === 'physical' ? [l.mac] : [])));
  const out: string[] = [];
  for (const l of cfg.links)
    if (l.kind === 'physical' && !macs.has(l.mac)) out.push(`link ${l.id} (${l.mac}) not on the system`);
  for (const e of events) {
    const nicLike = e.kind === undefined || nicKinds.includes(e.kind);
    if (e.action === 'add' && nicLike && e.mac && macs.get(e.mac) === e.ifname && !listed.has(e.mac)) {
      out.push(`new NIC ${e.ifname} (${e.mac}) not in the metadata`);
    }
  }
  return out;
}

/**
 * Loads, validates and applies once; see the module comment. The wait for the metadata runs outside the
 * root's lock: it can last --wait (120 s), and a sync that needs no wait (the seed's `apply --b64` through
 * qemu-guest-agent) must not queue behind it. Only the apply, which reads and writes the files and state,
 * holds the lock.
 */
export async function syncOnce(opts: AgentOptions, hint?: SyncHint): Promise<ApplyResult> {
  const log = opts.log;
  let { cfg, macs } = await snapshot(opts);
  if (hint && hint.events.length > 0) {
    const deadline = Date.now() + hint.waitMs;
    let waiting = disagreement(cfg, macs, hint.events, opts.nicKinds ?? []);
    while (waiting.length > 0 && Date.now() < deadline) {
      log.info({ waiting }, 'metadata does not match the NICs yet; waiting for it to change');
      await sleep(Math.min(hint.pollMs, Math.max(0, deadline - Date.now())), undefined, {
        signal: hint.signal,
      });
      ({ cfg, macs } = await snapshot(opts));
      hint.signal?.throwIfAborted();
      waiting = disagreement(cfg, macs, hint.events, opts.nicKinds ?? []);
    }
    if (waiting.length > 0)
      log.warn({ waiting, waitedMs: hint.waitMs }, 'metadata still disagrees; applying what matches');
  }
  return withLock(join(opts.root, 'run', 'osnet-guest.lock'), async () => {
    // NICs can have come or gone while another sync held the lock.
    if (!opts.macMap) macs = await readSystemMacs(opts.sysRoot);
    return applyLocked(opts, cfg, macs, hint);
  });
}

async function applyLocked(
  opts: AgentOptions,
  cfg: NetworkConfig,
  macs: Map<string, string>,
  hint?: SyncHint,
): Promise<ApplyResult> {
  const log = opts.log;
  const { cfg: present, dropped } = dropAbsentLinks(cfg, macs);
  for (const id of dropped) log.warn({ link: id }, 'link left out: its NIC is not on the system');
  const absent = cfg.links.flatMap((l, i) =>
    l.kind === 'physical' && !macs.has(l.mac) ? [{ id: l.id, mac: l.mac, index: i }] : [],
  );
  const named = resolveNames(present, macs);
  const result = await applyConfig(named, {
    format: opts.format,
    root: opts.root,
    log,
    absentMacs: absent.map((a) => a.mac),
    ...(opts.netns ? { netns: opts.netns } : {}),
    ...(opts.reconfigure !== undefined ? { reconfigure: opts.reconfigure } : {}),
    ...(opts.verify !== undefined ? { verify: opts.verify } : {}),
  });
  for (const nic of result.touched) log.info({ nic, format: opts.format }, 'NIC reconfigured');
  await markBootSynced(opts.root);
  // A plain apply names what it could not configure (exit 69); the NICs that are there are configured and
  // the files of the absent ones kept, so a NIC that appears late is configured by its udev event.
  if (absent.length > 0 && !(hint && hint.events.length > 0)) {
    const first = absent[0]!;
    throw new OsnetError(
      'OSNET_ERR_NIC_NOT_FOUND',
      `no NIC with MAC ${absent.map((a) => `${a.mac} for link ${a.id} ($.links[${a.index}])`).join(', ')}; the NICs present were applied, the configuration of the absent ones is kept`,
      { field: `$.links[${first.index}].ethernet_mac_address`, link: first.id, mac: first.mac },
    );
  }
  return result;
}

async function markBootSynced(root: string): Promise<void> {
  const p = bootSyncedPath(root);
  if (existsSync(p)) return;
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, `${new Date().toISOString()}\n`);
}
