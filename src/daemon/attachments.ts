/**
 * What the daemon does for each verb, on Neutron and the journal. One operation per attachment key at a
 * time (a keyed lock); any number of keys at once, Neutron calls bounded by the Cloud's concurrency limit.
 * Each verb lives in its own file: attachment-add.ts (ADD), attachment-release.ts (DEL and the outbox),
 * attachment-check.ts (CHECK), attachment-gc.ts (GC and the periodic reconcile).
 *
 * @example
 *   const d = new Attachments({ net, journal, pools, node: 'node1', log, mtu: { overhead: 58 } });
 *   const info = await d.add(parseAdd(body));
 */
import type {
  AddRequest,
  AttachmentKey,
  CheckRequest,
  CheckResponse,
  DelResponse,
  GcRequest,
  GcResponse,
  PortInfo,
} from '../cni/protocol.ts';
import { OpenStackError } from '../openstack/client/errors.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import { addAttachment, finishPending } from './attachment-add.ts';
import { checkAttachment } from './attachment-check.ts';
import {
  type AttachmentContext,
  type AttachmentsOptions,
  FAULT_CLAIM_PAUSE_ENV,
  FAULT_ENV,
} from './attachment-context.ts';
import { gcAttachments, reconcileAttachments, scanNode } from './attachment-gc.ts';
import { delAttachment, flushOutbox, releaseQueued } from './attachment-release.ts';
import { CreateBatcher } from './create-batcher.ts';
import type { AttachmentRecord, Journal } from './journal.ts';
import { POOL_MARK } from './keys.ts';
import { NeutronCache, portInfo } from './neutron.ts';

export { type AttachmentsOptions, FAULT_ENV, unreachable } from './attachment-context.ts';

export class Attachments implements AttachmentContext {
  private readonly locks = new Map<string, Promise<unknown>>();
  readonly facts: NeutronCache;
  readonly creates: CreateBatcher;
  readonly o: AttachmentsOptions;
  strays: Map<string, string> | undefined;

  constructor(o: AttachmentsOptions) {
    this.o = o;
    this.facts = new NeutronCache(o.net);
    this.creates = new CreateBatcher(o.net);
  }

  get tagsOnCreate(): boolean {
    return this.o.tagsOnCreate === true;
  }

  releaseQueued(id: string): Promise<void> {
    return releaseQueued(this, id);
  }

  /** The start-up scan: this node's attachment ports the journal does not know (then ADDs trust the journal). */
  async scan(): Promise<number> {
    this.strays = await scanNode(this);
    return this.strays.size;
  }

  /** Completes postponed claims and tags (at start-up and with the outbox passes). */
  finishPending(): Promise<number> {
    return finishPending(this);
  }

  get journal(): Journal {
    return this.o.journal;
  }

  serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  busy(id: string): boolean {
    return this.locks.has(id);
  }

  neutron<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => {
      if (e instanceof OpenStackError) this.o.onNeutronError?.(e.code);
      throw e;
    });
  }

  fault(point: string): void {
    if ((this.o.env ?? process.env)[FAULT_ENV] === point) {
      this.o.log.warn({ fault: point }, `${FAULT_ENV}: killing the daemon`);
      process.kill(process.pid, 'SIGKILL');
    }
  }

  claimPause(): Promise<void> {
    const ms = Number((this.o.env ?? process.env)[FAULT_CLAIM_PAUSE_ENV] ?? 0);
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  }

  /** Waits until no call of any key is in flight (a stop lets queued releases and claims finish). */
  async settle(): Promise<void> {
    while (this.locks.size > 0) await Promise.all(this.locks.values());
  }

  info(port: Port, req: { mtu?: number | undefined }, existing: boolean): Promise<PortInfo> {
    return this.neutron(portInfo(this.facts, port, { ...this.o.mtu, override: req.mtu }, existing));
  }

  add(req: AddRequest): Promise<PortInfo> {
    return addAttachment(this, req);
  }

  del(key: AttachmentKey): Promise<DelResponse> {
    return delAttachment(this, key);
  }

  flushOutbox(now = Date.now()): Promise<number> {
    return flushOutbox(this, now);
  }

  check(req: CheckRequest): Promise<CheckResponse> {
    return checkAttachment(this, req);
  }

  gc(req: GcRequest): Promise<GcResponse> {
    return gcAttachments(this, req);
  }

  reconcile(): Promise<string[]> {
    return reconcileAttachments(this);
  }

  /** Whether a port is a warm pool port of this node (tests and metrics). */
  static isPoolPort(p: Port): boolean {
    return p.description.startsWith(POOL_MARK) && !p.device_id;
  }
}

export type { AttachmentRecord };
