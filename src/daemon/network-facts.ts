/**
 * What an ADD answers besides the port itself: the network's MTU and its subnets (prefix, gateway, host
 * routes, DNS). They change rarely, so the daemon keeps them per network for a bounded time (a minute),
 * fetched with two calls (the network, and its subnets in one list) however many ADDs ask at once; a failed
 * fetch is not kept, and a port on a subnet the facts do not know (made since) refetches them.
 *
 * @example
 *   const facts = new NeutronCache(net);
 *   const s = await facts.subnet(port.fixed_ips[0].subnet_id, port.network_id);
 */
import type { ServiceClient } from '../openstack/client/service-client.ts';
import * as networks from '../openstack/networking/v2/networks/index.ts';
import * as subnets from '../openstack/networking/v2/subnets/index.ts';
import type { Subnet } from '../openstack/networking/v2/subnets/results.ts';

interface Facts {
  at: number;
  mtu: number;
  subnets: Map<string, Subnet>;
}

export class NeutronCache {
  private readonly nets = new Map<string, Promise<Facts>>();
  private readonly net: ServiceClient;
  private readonly ttlMs: number;
  constructor(net: ServiceClient, ttlMs = 60_000) {
    this.net = net;
    this.ttlMs = ttlMs;
  }

  /** The facts of one network: kept for ttlMs; concurrent callers share one fetch. */
  facts(networkId: string): Promise<Facts> {
    const have = this.nets.get(networkId);
    if (have) return have;
    const p = (async (): Promise<Facts> => {
      const at = Date.now();
      const [n, list] = await Promise.all([
        networks.get(this.net, networkId),
        (async () => {
          const out = new Map<string, Subnet>();
          for await (const s of subnets.list(this.net, { network_id: networkId })) out.set(s.id, s);
          return out;
        })(),
      ]);
      return { at, mtu: n.mtu ?? 0, subnets: list };
    })();
    this.nets.set(networkId, p);
    p.then(
      (f) => {
        const left = f.at + this.ttlMs - Date.now();
        setTimeout(() => this.forget(networkId, p), Math.max(0, left)).unref();
      },
      () => this.forget(networkId, p),
    );
    return p;
  }

  /** Drops the network's facts (a Neutron error about it, or a subnet they lack). */
  invalidate(networkId: string): void {
    this.nets.delete(networkId);
  }

  private forget(networkId: string, p: Promise<Facts>): void {
    if (this.nets.get(networkId) === p) this.nets.delete(networkId);
  }

  async subnet(id: string, networkId: string): Promise<Subnet> {
    const s = (await this.facts(networkId)).subnets.get(id);
    if (s) return s;
    this.invalidate(networkId);
    const again = (await this.facts(networkId)).subnets.get(id);
    return again ?? subnets.get(this.net, id);
  }

  async networkMtu(networkId: string): Promise<number> {
    return (await this.facts(networkId)).mtu;
  }
}
