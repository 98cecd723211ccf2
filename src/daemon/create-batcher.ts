/**
 * Port creates of concurrent ADDs, coalesced into Neutron's bulk create: a create goes out at once while
 * fewer than `parallel` POSTs are in flight; the ones that arrive meanwhile wait and go together in the
 * next POST (`{"ports": [...]}`), oldest first, at most `max` per POST. A lone ADD waits for nothing;
 * fifty at once make a handful of POSTs instead of fifty. `max` stays small because Neutron makes a bulk's
 * ports one after another (ML2/OVN: about as long per port as a single create), and every ADD of a batch
 * waits for the whole batch. Bulk creates are all-or-nothing: when Neutron refuses a batch (one bad address
 * fails all), each of its creates is sent alone, so only the bad one fails.
 *
 * @example
 *   const creates = new CreateBatcher(net);
 *   const port = await creates.create({ network_id, name, device_id });
 */
import type { ServiceClient } from '../openstack/client/service-client.ts';
import type { CreatePortOpts, Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import { unreachable } from './attachment-context.ts';

interface Waiting {
  body: CreatePortOpts;
  resolve: (p: Port) => void;
  reject: (e: unknown) => void;
}

export class CreateBatcher {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private readonly net: ServiceClient;
  private readonly max: number;
  private readonly parallel: number;
  /** POSTs sent and ports they asked for (tests and the log). */
  readonly sent = { posts: 0, ports: 0 };

  constructor(net: ServiceClient, max = 10, parallel = 2) {
    this.net = net;
    this.max = max;
    this.parallel = parallel;
  }

  create(body: CreatePortOpts): Promise<Port> {
    return new Promise((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      if (this.inFlight < this.parallel) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) await this.send(this.queue.splice(0, this.max));
    } finally {
      this.inFlight--;
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    this.sent.posts++;
    this.sent.ports += batch.length;
    try {
      const made =
        batch.length === 1
          ? [await ports.create(this.net, batch[0]!.body)]
          : await ports.createMany(
              this.net,
              batch.map((w) => w.body),
            );
      for (const [i, w] of batch.entries()) w.resolve(made[i]!);
    } catch (e) {
      // unreachable: the batch may exist, each ADD's record lets its retry find its port
      if (batch.length === 1 || unreachable(e)) for (const w of batch) w.reject(e);
      else await Promise.all(batch.map((w) => this.send([w])));
    }
  }
}
