/**
 * What the daemon does for each verb, on Neutron and the journal. One operation per attachment key at a
 * time (a keyed lock); any number of keys at once, Neutron calls bounded by the Cloud's concurrency limit.
 *
 * - ADD: journal record first (phase creating/claiming), then the port (claimed from a pool, or created
 *   with name, device_id, device_owner, binding:host_id = node, security groups), then its tags, then the
 *   record turns ready. A retried ADD finds the record (or, journal lost, the key tag) and answers the same
 *   port; a half-made port is found by device_id, name and the description mark.
 * - DEL: deletes exactly the key's port(s); when Neutron cannot be reached the release goes to the durable
 *   outbox and DEL still succeeds. An attachment already gone is a success.
 * - CHECK: the port exists, is bound to this node, and has the MAC and IPs the runtime has.
 * - GC: releases this node's attachments on a network that are not in the valid list.
 * - reconcile: ports tagged for this node that the journal does not know, and half-made ports no record
 *   owns, are released.
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
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import {
  OpenStackError,
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedResponseError,
} from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import * as tags from '../openstack/networking/v2/tags/index.ts';
import type { AttachmentRecord, Journal, ReleaseRecord } from './journal.ts';
import {
  ATTACHMENT_MARK,
  attachmentTags,
  DEVICE_OWNER,
  deviceId,
  keyId,
  POOL_MARK,
  poolKey,
  portName,
  TAG_KEY,
  TAG_NODE,
  TAG_POOL,
  tagValue,
} from './keys.ts';
import { findAttachmentPorts, getPort, type MtuRule, NeutronCache, portInfo } from './neutron.ts';
import type { Pools } from './pool.ts';

/**
 * The fault-injection variable of the crash tests: `port-created` kills the daemon right after the create,
 * `pool-port-taken` after a warm port was taken and journaled, before its claim.
 */
export const FAULT_ENV = 'OSNET_FAULT_CRASH_AFTER';

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

function sameIp(a: string, b: string): boolean {
  return a.split('/')[0]!.toLowerCase() === b.split('/')[0]!.toLowerCase();
}

export class Attachments {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly cache: NeutronCache;
  private readonly o: AttachmentsOptions;

  constructor(o: AttachmentsOptions) {
    this.o = o;
    this.cache = new NeutronCache(o.net);
  }

  get journal(): Journal {
    return this.o.journal;
  }

  /** Runs `fn` after every earlier operation on the same key. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  /** Keys with an operation in flight (the reconcile leaves them alone). */
  busy(id: string): boolean {
    return this.locks.has(id);
  }

  private neutron<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => {
      if (e instanceof OpenStackError) this.o.onNeutronError?.(e.code);
      throw e;
    });
  }

  private fault(point: string): void {
    if ((this.o.env ?? process.env)[FAULT_ENV] === point) {
      this.o.log.warn({ fault: point }, `${FAULT_ENV}: killing the daemon`);
      process.kill(process.pid, 'SIGKILL');
    }
  }

  private info(port: Port, req: { mtu?: number | undefined }, existing: boolean): Promise<PortInfo> {
    return this.neutron(portInfo(this.cache, port, { ...this.o.mtu, override: req.mtu }, existing));
  }

  async add(req: AddRequest): Promise<PortInfo> {
    const id = keyId(req);
    return this.serial(id, async () => {
      const { journal, net } = this.o;
      const rec = journal.attachments.get(id);
      const name = portName(req);
      const device_id = deviceId(req);
      // A retry, or a crash mid-ADD: finish what the record (or, journal lost, Neutron) knows
      const known = rec?.port_id ? await this.neutron(getPort(net, rec.port_id)) : undefined;
      const found =
        known ??
        (
          await this.neutron(
            findAttachmentPorts(net, id, {
              network_id: req.network_id,
              name: rec?.name ?? name,
              device_id: rec?.device_id ?? device_id,
            }),
          )
        )[0];
      if (found) return this.info(await this.finish(id, req, found, rec?.created_at), req, true);

      const pooled = req.mac || req.ips?.length ? undefined : this.o.pools.take(this.poolKeyOf(req));
      const base = { id, key: keyOf(req), name, device_id, created_at: Date.now() };
      if (pooled) {
        // The claim: one port update (finish sees the pool port's name, device_id and host differ), its tags
        await journal.attachments.put({ ...base, phase: 'claiming', port_id: pooled.id });
        this.fault('pool-port-taken');
        return this.info(await this.finish(id, req, pooled, base.created_at), req, false);
      }
      await journal.attachments.put({ ...base, phase: 'creating' });
      let port: Port;
      try {
        port = await this.neutron(
          ports.create(net, {
            network_id: req.network_id,
            ...this.attachmentFields(id, req),
            ...(req.mac ? { mac_address: req.mac } : {}),
            ...(req.ips?.length || req.subnet_id ? { fixed_ips: fixedIps(req) } : {}),
            ...(req.security_group_ids ? { security_groups: req.security_group_ids } : {}),
          }),
        );
      } catch (e) {
        // Refused outright: nothing was made. Otherwise it may exist: the record lets a retry find it.
        if (!unreachable(e)) await journal.attachments.delete(id);
        throw e;
      }
      this.fault('port-created');
      await journal.attachments.put({ ...base, phase: 'creating', port_id: port.id });
      return this.info(await this.finish(id, req, port, base.created_at), req, false);
    });
  }

  private poolKeyOf(req: AddRequest) {
    return poolKey(req.network_id, req.subnet_id, req.security_group_ids);
  }

  /** Tags a made or claimed port and marks the record ready; applies the request's security groups. */
  private attachmentFields(id: string, req: AddRequest) {
    return {
      name: portName(req),
      description: `${ATTACHMENT_MARK}${id}`,
      device_id: deviceId(req),
      device_owner: DEVICE_OWNER,
      'binding:host_id': this.o.node,
    };
  }

  /**
   * Makes a created, claimed or half-claimed port the attachment's: the fields of an attachment port and the
   * request's security groups in one update when any differs, then the tags; the record turns ready.
   */
  private async finish(id: string, req: AddRequest, port: Port, createdAt = Date.now()): Promise<Port> {
    const { net, node, journal } = this.o;
    const fields = this.attachmentFields(id, req);
    const change: ports.UpdatePortOpts = {};
    for (const [k, v] of Object.entries(fields) as [keyof typeof fields, string][]) {
      // binding:host_id is invisible without the binder role: then it was set at create or claim
      if (port[k] !== undefined && port[k] !== v) Object.assign(change, { [k]: v });
    }
    if (change['binding:host_id'] === undefined && 'name' in change) change['binding:host_id'] = node;
    const sgs = req.security_group_ids;
    if (sgs && [...sgs].sort().join() !== [...port.security_groups].sort().join())
      change.security_groups = sgs;
    if (Object.keys(change).length > 0) port = await this.neutron(ports.update(net, port.id, change));
    const want = attachmentTags(id, req, node);
    if (!want.every((t) => port.tags?.includes(t)) || port.tags.some((t) => t.startsWith(TAG_POOL))) {
      port.tags = await this.neutron(tags.replaceAll(net, 'ports', port.id, want));
    }
    await journal.attachments.put({
      id,
      key: keyOf(req),
      phase: 'ready',
      name: port.name,
      device_id: port.device_id,
      port_id: port.id,
      created_at: createdAt,
    });
    return port;
  }

  async del(key: AttachmentKey): Promise<DelResponse> {
    const id = keyId(key);
    return this.serial(id, async () => {
      const rec = this.o.journal.attachments.get(id);
      const release: ReleaseRecord = {
        id,
        key: keyOf(key),
        attempts: 0,
        next_at: Date.now(),
        ...(rec?.port_id ? { port_id: rec.port_id } : {}),
        ...(rec ? { name: rec.name, device_id: rec.device_id } : {}),
      };
      try {
        const released = await this.release(release);
        await this.o.journal.attachments.delete(id);
        return { released, queued: false };
      } catch (e) {
        if (!unreachable(e)) throw e;
        // Durable before the answer: the outbox retries until Neutron takes it
        await this.o.journal.outbox.put({ ...release, attempts: 1, next_at: Date.now() + 1000 });
        await this.o.journal.attachments.delete(id);
        this.o.log.warn({ key: id, err: (e as Error).message }, 'Neutron unreachable: release queued');
        return { released: false, queued: true };
      }
    });
  }

  /** Deletes the release's port(s); true when one was deleted now. */
  private async release(r: ReleaseRecord): Promise<boolean> {
    const { net } = this.o;
    const ids = new Set<string>(r.port_id ? [r.port_id] : []);
    // A known port is the whole attachment; without one, look for it by tag and as a half-made port
    if (!r.port_id)
      for (const p of await this.neutron(
        findAttachmentPorts(net, r.id, {
          network_id: r.key.network_id,
          name: r.name,
          device_id: r.device_id,
        }),
      ))
        ids.add(p.id);
    let any = false;
    for (const portId of ids) if (await this.neutron(ports.removeIfExists(net, portId))) any = true;
    return any;
  }

  /** One pass over the outbox: entries due are retried, with a doubling pause (1 s to 1 min) on failure. */
  async flushOutbox(now = Date.now()): Promise<number> {
    const { outbox } = this.o.journal;
    for (const r of outbox.all()) {
      if (r.next_at > now || this.busy(r.id)) continue;
      try {
        await this.serial(r.id, () => this.release(r));
        await outbox.delete(r.id);
        this.o.log.info({ key: r.id, port: r.port_id }, 'queued release done');
      } catch (e) {
        const attempts = r.attempts + 1;
        const pause = Math.min(60_000, 1000 * 2 ** Math.min(attempts - 1, 6));
        await outbox.put({ ...r, attempts, next_at: Date.now() + pause });
        if (!unreachable(e))
          this.o.log.warn({ key: r.id, err: (e as Error).message }, 'queued release failed');
      }
    }
    return outbox.size;
  }

  async check(req: CheckRequest): Promise<CheckResponse> {
    const id = keyId(req);
    return this.serial(id, async () => {
      const rec = this.o.journal.attachments.get(id);
      const port = rec?.port_id
        ? await this.neutron(getPort(this.o.net, rec.port_id))
        : (await this.neutron(findAttachmentPorts(this.o.net, id, { network_id: req.network_id })))[0];
      if (!port)
        throw new OsnetError('OSNET_ERR_NOT_FOUND', `no Neutron port for ${req.container_id}/${req.ifname}`, {
          field: 'container_id',
        });
      const mismatch = (field: string, what: string) =>
        new OsnetError('OSNET_ERR_ATTACHMENT_MISMATCH', `port ${port.id}: ${what}`, {
          field,
          port_id: port.id,
        });
      const host = port['binding:host_id'];
      if (host !== undefined && host !== this.o.node)
        throw mismatch('binding:host_id', `bound to ${host || 'no host'}, not to ${this.o.node}`);
      if (port['binding:vif_type'] === 'binding_failed') throw mismatch('binding:vif_type', 'binding failed');
      if (req.mac && req.mac.toLowerCase() !== port.mac_address.toLowerCase())
        throw mismatch('mac', `has MAC ${port.mac_address}, not ${req.mac}`);
      if (req.ips) {
        const have = port.fixed_ips.map((f) => f.ip_address);
        const extra = req.ips.find((ip) => !have.some((h) => sameIp(h, ip)));
        const missing = have.find((h) => !req.ips!.some((ip) => sameIp(h, ip)));
        if (extra || missing)
          throw mismatch(
            'ips',
            `has addresses ${have.join(', ') || 'none'}, not ${req.ips.join(', ') || 'none'}`,
          );
      }
      return { port_id: port.id };
    });
  }

  async gc(req: GcRequest): Promise<GcResponse> {
    const valid = new Set(req.valid_attachments.map((a) => `${a.containerID}\0${a.ifname}`));
    const released: string[] = [];
    const stale = new Map<string, AttachmentKey>();
    for (const r of this.o.journal.attachments.all())
      if (r.key.network_id === req.network_id) stale.set(r.id, r.key);
    for await (const p of ports.list(this.o.net, {
      tags: [`${TAG_NODE}${this.o.node}`],
      network_id: req.network_id,
    })) {
      const c = tagValue(p.tags, 'osnet-cni-container=');
      const i = tagValue(p.tags, 'osnet-cni-ifname=');
      if (c && i)
        stale.set(keyId({ container_id: c, ifname: i, network_id: req.network_id }), {
          container_id: c,
          ifname: i,
          network_id: req.network_id,
        });
    }
    for (const [id, key] of stale) {
      if (valid.has(`${key.container_id}\0${key.ifname}`)) continue;
      const port = this.o.journal.attachments.get(id)?.port_id;
      const res = await this.del(key);
      if (res.released || res.queued) released.push(port ?? id);
    }
    return { released };
  }

  /**
   * Releases ports tagged for this node that no record knows, and half-made ports (marked, bound here,
   * untagged) whose key has no record. Returns the released port ids.
   */
  async reconcile(): Promise<string[]> {
    const { net, node, journal, log } = this.o;
    const released: string[] = [];
    const orphan = async (p: Port, why: string) => {
      if (await this.neutron(ports.removeIfExists(net, p.id))) {
        released.push(p.id);
        log.info({ port: p.id, name: p.name, why }, 'orphan port released');
      }
    };
    for await (const p of ports.list(net, { tags: [`${TAG_NODE}${node}`] })) {
      const id = tagValue(p.tags, TAG_KEY);
      if (!id || this.busy(id)) continue; // pool ports have no key tag
      if (!journal.byPort(p.id) && !journal.attachments.get(id))
        await orphan(p, 'tagged for this node, not in the journal');
    }
    for await (const p of ports.list(net, { device_owner: DEVICE_OWNER, 'binding:host_id': node })) {
      if (p.tags.some((t) => t.startsWith(TAG_KEY)) || !p.description.startsWith(ATTACHMENT_MARK)) continue;
      const id = p.description.slice(ATTACHMENT_MARK.length);
      if (this.busy(id) || journal.attachments.get(id) || journal.byPort(p.id)) continue;
      await orphan(p, 'half-made, no journal record');
    }
    return released;
  }

  /** Whether a port is a warm pool port of this node (tests and metrics). */
  static isPoolPort(p: Port): boolean {
    return p.description.startsWith(POOL_MARK) && !p.device_id;
  }
}

function keyOf(k: AttachmentKey): AttachmentKey {
  return { container_id: k.container_id, ifname: k.ifname, network_id: k.network_id };
}

function fixedIps(req: AddRequest): { subnet_id?: string; ip_address?: string }[] {
  if (!req.ips?.length) return [{ subnet_id: req.subnet_id! }];
  return req.ips.map((ip) => ({
    ip_address: ip.split('/')[0]!,
    ...(req.subnet_id ? { subnet_id: req.subnet_id } : {}),
  }));
}

export type { AttachmentRecord };
