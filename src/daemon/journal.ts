/**
 * The daemon's local memory of what it is doing, under --state-dir (no secrets: ids, names, phases).
 * `attachments/<key id>.json` is written before any Neutron call that makes or claims a port, so a crash
 * between "port created" and "answer sent" leaves a record that a retried ADD, a DEL or the reconcile can
 * finish; `outbox/<key id>.json` holds releases Neutron could not take yet. Every write is atomic and
 * durable (src/host/files.ts); the daemon keeps the whole journal in memory and writes through.
 *
 * @example
 *   const j = await Journal.open('/var/lib/openstack-port-daemon');
 *   await j.put({ id, key, phase: 'creating', name, device_id, created_at: Date.now() });
 */
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachmentKey } from '../cni/protocol.ts';
import { syncDir, writeAtomic } from '../host/files.ts';
import { OsnetError } from '../lib/errors.ts';

/**
 * creating: a create may have been sent; claiming: a pool port was taken (maybe answered, its claim update
 * and tags not yet done); ready: the port is the attachment's, tags included.
 */
export type Phase = 'creating' | 'claiming' | 'ready';

export interface AttachmentRecord {
  /** keyId(key) */
  id: string;
  key: AttachmentKey;
  phase: Phase;
  name: string;
  device_id: string;
  port_id?: string;
  /** The groups chosen for the port (securityGroupsFor), for a claim finished after a restart. */
  security_groups?: string[];
  created_at: number;
}

export interface ReleaseRecord {
  id: string;
  key: AttachmentKey;
  /** Known port; absent: find it by tag and by name/device_id. */
  port_id?: string;
  name?: string;
  device_id?: string;
  attempts: number;
  next_at: number;
}

const ID = /^[0-9a-f]{16,64}$/;

async function readDir<T extends { id: string }>(dir: string): Promise<Map<string, T>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const out = new Map<string, T>();
  for (const f of await readdir(dir)) {
    if (!f.endsWith('.json') || !ID.test(f.slice(0, -5))) continue;
    try {
      const rec = JSON.parse(await readFile(join(dir, f), 'utf8')) as T;
      if (rec && typeof rec === 'object' && rec.id === f.slice(0, -5)) out.set(rec.id, rec);
    } catch (cause) {
      throw new OsnetError('OSNET_ERR_IO', `the journal file ${join(dir, f)} is unreadable`, {
        field: '--state-dir',
        cause,
      });
    }
  }
  return out;
}

class Table<T extends { id: string }> {
  private readonly dir: string;
  private readonly rows: Map<string, T>;
  constructor(dir: string, rows: Map<string, T>) {
    this.dir = dir;
    this.rows = rows;
  }
  get(id: string): T | undefined {
    return this.rows.get(id);
  }
  all(): T[] {
    return [...this.rows.values()];
  }
  get size(): number {
    return this.rows.size;
  }
  async put(rec: T): Promise<void> {
    if (!ID.test(rec.id)) throw new OsnetError('OSNET_ERR_INTERNAL', `bad journal id ${rec.id}`);
    await writeAtomic(join(this.dir, `${rec.id}.json`), `${JSON.stringify(rec)}\n`, 0o600);
    this.rows.set(rec.id, rec);
  }
  async delete(id: string): Promise<void> {
    if (!this.rows.has(id)) return;
    await rm(join(this.dir, `${id}.json`), { force: true });
    await syncDir(this.dir);
    this.rows.delete(id);
  }
}

export class Journal {
  readonly attachments: Table<AttachmentRecord>;
  readonly outbox: Table<ReleaseRecord>;
  private constructor(attachments: Table<AttachmentRecord>, outbox: Table<ReleaseRecord>) {
    this.attachments = attachments;
    this.outbox = outbox;
  }

  static async open(stateDir: string): Promise<Journal> {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await chmod(stateDir, 0o700);
    const a = join(stateDir, 'attachments');
    const o = join(stateDir, 'outbox');
    return new Journal(new Table(a, await readDir(a)), new Table(o, await readDir(o)));
  }

  /** The record holding a port id (reconcile asks: is this Neutron port known?). */
  byPort(portId: string): AttachmentRecord | undefined {
    return this.attachments.all().find((r) => r.port_id === portId);
  }
}
