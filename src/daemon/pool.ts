/**
 * Warm port pools on the node, what kuryr needed a central controller for: per (network, subnet or any,
 * security-group set), ports made ahead of time with one bulk create, already bound to this node
 * (`binding:host_id`) with the pool's security groups, so an ADD answers from a pool port at once and claims
 * it afterwards with one port update (name, device_id, description) and its tags. A pool forms on the first
 * ADD for its key and is refilled in the background when it falls below `min`, `batch` ports at a time,
 * never above `max` (0: no limit). Pool ports are named `osnet-cni-pool/<node>` with the mark in their
 * description, so a restart finds them again by name; where Neutron takes tags in a create body
 * (`tag-ports-during-bulk-creation`) they also carry `osnet-cni-node=<node>` and `osnet-cni-pool=<pool id>`
 * from the start (no call per port).
 *
 * @example
 *   const pools = new Pools(net, { enabled: true, min: 2, batch: 4, max: 8 }, node, log);
 *   const port = pools.take(poolKey(netId, undefined, [])); // or undefined: create one
 */
import type { Logger } from '../lib/log.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import {
  DEVICE_OWNER,
  POOL_MARK,
  type PoolKey,
  poolId,
  poolKey,
  TAG_NODE,
  TAG_POOL,
  tagValue,
} from './keys.ts';

/** Ports per bulk create of a refill. */
const FILL_CHUNK = 5;

export interface PoolSizes {
  min: number;
  batch: number;
  /** 0: no limit. */
  max: number;
}

export interface PoolSettings extends PoolSizes {
  enabled: boolean;
  /** Sizes for one network (by network id), over the defaults above. */
  networks?: Record<string, Partial<PoolSizes>> | undefined;
}

export interface PoolOptions {
  /** Neutron keeps tags of a create body: pool ports are tagged in their bulk create. */
  tagsOnCreate?: boolean;
  /** Ports the journal holds (taken, maybe not yet claimed): never back into a pool. */
  owned?: (portId: string) => boolean;
  onError?: (e: unknown) => void;
}

interface Pool {
  key: PoolKey;
  ready: Port[];
  filling: Promise<void> | undefined;
  /** The pause before the next try after a failed refill (doubling, 2 s to 1 min); 0 after a success. */
  backoffMs: number;
}

export class Pools {
  private readonly pools = new Map<string, Pool>();
  /** Ports take() handed out: never adopted back, though their claim is not journaled yet. */
  private readonly handedOut = new Set<string>();
  private stopped = false;

  private readonly net: ServiceClient;
  readonly settings: PoolSettings;
  private readonly node: string;
  private readonly log: Logger;
  private readonly opts: PoolOptions;

  constructor(net: ServiceClient, settings: PoolSettings, node: string, log: Logger, opts: PoolOptions = {}) {
    this.net = net;
    this.settings = settings;
    this.node = node;
    this.log = log;
    this.opts = opts;
  }

  /** min, batch and max of one network's pools. */
  sizesOf(networkId: string): PoolSizes {
    const { min, batch, max } = { ...this.settings, ...this.settings.networks?.[networkId] };
    return { min, batch: Math.max(1, batch), max };
  }

  poolName(): string {
    return `osnet-cni-pool/${this.node}`;
  }

  /** Sizes by pool id (for the metrics). */
  sizes(): Map<string, number> {
    return new Map([...this.pools].map(([id, p]) => [id, p.ready.length]));
  }

  private pool(key: PoolKey): Pool {
    const id = poolId(key);
    let p = this.pools.get(id);
    if (!p) {
      p = { key, ready: [], filling: undefined, backoffMs: 0 };
      this.pools.set(id, p);
    }
    return p;
  }

  /**
   * A warm port of the pool, removed from it (the caller claims it); starts a refill when low. An empty
   * pool starts none: the caller creates its own port first and then calls refill, so the refill never
   * takes Neutron's time (or a subnet's last address) ahead of the ADD that found the pool empty.
   */
  take(key: PoolKey): Port | undefined {
    if (!this.settings.enabled) return undefined;
    const port = this.pool(key).ready.shift();
    if (port) {
      this.handedOut.add(port.id);
      this.refill(key);
    }
    return port;
  }

  /** Starts a background refill up to `min` (one at a time per pool). */
  refill(key: PoolKey): void {
    if (!this.settings.enabled || this.stopped) return;
    const p = this.pool(key);
    if (p.filling || p.ready.length >= this.sizesOf(key.network_id).min) return;
    p.filling = this.fill(p)
      .then(() => {
        p.backoffMs = 0;
      })
      .catch((e) => {
        this.log.warn({ err: (e as Error).message, pool: poolId(key) }, 'pool refill failed');
        this.opts.onError?.(e);
        // tried again later, first taking in what a timed-out bulk create may have made after all
        p.backoffMs = Math.min(60_000, Math.max(2000, p.backoffMs * 2));
        setTimeout(() => {
          if (this.stopped) return;
          this.adopt(ports.list(this.net, { names: [this.poolName()], device_owner: DEVICE_OWNER }))
            .catch(() => 0)
            .then(() => this.refill(key));
        }, p.backoffMs).unref();
      })
      .finally(() => {
        p.filling = undefined;
      });
  }

  /** Waits for every refill in flight (tests and the stop). */
  async settle(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.filling));
  }

  private async fill(p: Pool): Promise<void> {
    const { max, batch } = this.sizesOf(p.key.network_id);
    const room = max > 0 ? max - p.ready.length : batch;
    const n = Math.min(batch, room);
    if (n <= 0) return;
    const id = poolId(p.key);
    // with "pool refilled" or "pool refill failed" after it: tells a bench when Neutron is idle again
    this.log.info({ pool: id, n }, 'pool refill started');
    const body = {
      network_id: p.key.network_id,
      name: this.poolName(),
      description: `${POOL_MARK}${id}`,
      device_owner: DEVICE_OWNER,
      // bound ahead: the claim then changes nothing OVN acts on, and the pod's OVS port binds at once
      'binding:host_id': this.node,
      ...(p.key.subnet_id ? { fixed_ips: [{ subnet_id: p.key.subnet_id }] } : {}),
      ...(p.key.security_group_ids.length ? { security_groups: p.key.security_group_ids } : {}),
      ...(this.opts.tagsOnCreate ? { tags: [`${TAG_NODE}${this.node}`, `${TAG_POOL}${id}`] } : {}),
    };
    // Neutron makes a bulk's ports one by one: chunks keep each POST well inside the client's timeout,
    // and the first ports serve ADDs while the rest are made
    let created = 0;
    for (let left = n; left > 0 && !this.stopped; left -= FILL_CHUNK) {
      const made = await ports.createMany(
        this.net,
        Array.from({ length: Math.min(left, FILL_CHUNK) }, () => body),
      );
      if (this.stopped) return;
      p.ready.push(...made);
      created += made.length;
    }
    this.log.info({ pool: id, created, size: p.ready.length }, 'pool refilled');
  }

  /** Puts back the ports a restart finds: tagged for this node's pools, or by name and mark. */
  async recover(): Promise<number> {
    if (!this.settings.enabled) return 0;
    let n = await this.adopt(ports.list(this.net, { tags: [`${TAG_NODE}${this.node}`] }));
    n += await this.adopt(ports.list(this.net, { names: [this.poolName()], device_owner: DEVICE_OWNER }));
    return n;
  }

  /** Adds the pool ports of `found` that no pool holds, nobody was handed and no record owns. */
  private async adopt(found: AsyncIterable<Port>): Promise<number> {
    const held = new Set([...this.pools.values()].flatMap((p) => p.ready.map((x) => x.id)));
    let n = 0;
    for await (const port of found) {
      if (!port.description.startsWith(POOL_MARK) || port.device_id || held.has(port.id)) continue;
      if (this.opts.owned?.(port.id)) {
        this.handedOut.delete(port.id); // journaled now: the record keeps it out of every pool
        continue;
      }
      if (this.handedOut.has(port.id)) continue;
      if (port.tags.length > 0 && tagValue(port.tags, TAG_POOL) === undefined) continue;
      // The pool's key is in its id only: "any subnet" or one of the port's subnets, and the port's groups
      // or none asked for (Neutron then gave the port its default group)
      const mark = port.description.slice(POOL_MARK.length);
      const subnets = [undefined, ...port.fixed_ips.map((f) => f.subnet_id)];
      const k = subnets
        .flatMap((sub) => [port.security_groups, []].map((sgs) => poolKey(port.network_id, sub, sgs)))
        .find((c) => poolId(c) === mark);
      if (!k) continue;
      held.add(port.id);
      this.pool(k).ready.push(port);
      n++;
    }
    return n;
  }

  stop(): void {
    this.stopped = true;
  }
}
