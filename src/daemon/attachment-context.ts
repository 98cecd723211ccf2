/**
 * What every verb of the daemon shares: the options, the per-key lock, the Neutron error count, the crash
 * points of the fault tests and the PortInfo of a port. {@link Attachments} is the one implementation; the
 * verbs (attachment-add.ts, attachment-release.ts, attachment-check.ts, attachment-gc.ts) take it as context.
 */
import type { AttachmentKey, PortInfo } from '../cni/protocol.ts';
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import {
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedResponseError,
} from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import type { CreateBatcher } from './create-batcher.ts';
import type { Journal } from './journal.ts';
import type { NeutronCache } from './network-facts.ts';
import type { MtuRule } from './neutron.ts';
import type { Pools } from './pool.ts';

/**
 * The fault-injection variable of the crash tests: `port-created` kills the daemon right after the create,
 * `pool-port-taken` after a warm port was taken and journaled, before its claim; `answered` after an ADD's
 * answer was sent, before its claim update.
 */
export const FAULT_ENV = 'OSNET_FAULT_CRASH_AFTER';
/**
 * The fault tests' slow Neutron: ms an ADD waits after its answer before its claim update, so a DEL or a
 * kill surely falls while the claim is in flight (the lab's Neutron is too fast to race reliably).
 */
export const FAULT_CLAIM_PAUSE_ENV = 'OSNET_FAULT_CLAIM_PAUSE_MS';

export interface AttachmentsOptions {
  net: ServiceClient;
  journal: Journal;
  pools: Pools;
  node: string;
  log: Logger;
  mtu: MtuRule;
  /** Counted per OSNET_ERR code (the metric of Neutron errors). */
  onNeutronError?: (code: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Neutron keeps tags of a create body (`tag-ports-during-bulk-creation`): no tag call after a create. */
  tagsOnCreate?: boolean;
}

export interface AttachmentContext {
  readonly o: AttachmentsOptions;
  /** Runs `fn` after every earlier operation on the same key. */
  serial<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /** Keys with an operation in flight (the reconcile leaves them alone). */
  busy(id: string): boolean;
  /** A Neutron call whose OpenStack errors are counted. */
  neutron<T>(p: Promise<T>): Promise<T>;
  /** Kills the daemon at `point` when the fault variable names it. */
  fault(point: string): void;
  /** Waits the fault tests' claim pause ({@link FAULT_CLAIM_PAUSE_ENV}); at once without it. */
  claimPause(): Promise<void>;
  info(port: Port, req: { mtu?: number | undefined }, existing: boolean): Promise<PortInfo>;
  /** Port creates, coalesced into bulk creates while one is in flight. */
  readonly creates: CreateBatcher;
  /** Network MTUs and subnets, per network. */
  readonly facts: NeutronCache;
  readonly tagsOnCreate: boolean;
  /**
   * Attachment ports of this node the journal did not know at start-up (key id -> port id), once the
   * start-up scan ran; undefined before: then an ADD without a record asks Neutron.
   */
  strays: Map<string, string> | undefined;
  /** Runs a queued release of this key now (inside its lock), so it cannot delete a port made after it. */
  releaseQueued(id: string): Promise<void>;
}

/** Neutron or Keystone did not take the call (down, timing out, or refusing the token): worth retrying later. */
export function unreachable(e: unknown): boolean {
  return (
    e instanceof ServiceUnavailableError ||
    e instanceof TimeoutError ||
    e instanceof UnauthorizedError ||
    e instanceof UnexpectedResponseError ||
    (e instanceof OsnetError && (e.code === 'OSNET_ERR_OS_ENDPOINT' || e.code === 'OSNET_ERR_IO'))
  );
}

/** The key alone, without the rest of a request. */
export function keyOf(k: AttachmentKey): AttachmentKey {
  return { container_id: k.container_id, ifname: k.ifname, network_id: k.network_id };
}
