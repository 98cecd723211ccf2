/**
 * DEL and the release outbox: DEL deletes exactly the key's port(s); when Neutron cannot be reached the
 * release goes to the durable outbox and DEL still succeeds. An attachment already gone is a success.
 *
 * @example
 *   await delAttachment(attachments, { container_id, ifname, network_id }); // { released, queued }
 */
import type { AttachmentKey, DelResponse } from '../cni/protocol.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import { type AttachmentContext, keyOf, unreachable } from './attachment-context.ts';
import type { ReleaseRecord } from './journal.ts';
import { keyId } from './keys.ts';
import { findAttachmentPorts } from './neutron.ts';

export function delAttachment(ctx: AttachmentContext, key: AttachmentKey): Promise<DelResponse> {
  const id = keyId(key);
  return ctx.serial(id, async () => {
    const { journal, log } = ctx.o;
    const rec = journal.attachments.get(id);
    const release: ReleaseRecord = {
      id,
      key: keyOf(key),
      attempts: 0,
      next_at: Date.now(),
      ...(rec?.port_id ? { port_id: rec.port_id } : {}),
      ...(rec ? { name: rec.name, device_id: rec.device_id } : {}),
    };
    try {
      const released = await releasePorts(ctx, release);
      await journal.attachments.delete(id);
      return { released, queued: false };
    } catch (e) {
      if (!unreachable(e)) throw e;
      // Durable before the answer: the outbox retries until Neutron takes it
      await journal.outbox.put({ ...release, attempts: 1, next_at: Date.now() + 1000 });
      await journal.attachments.delete(id);
      log.warn({ key: id, err: (e as Error).message }, 'Neutron unreachable: release queued');
      return { released: false, queued: true };
    }
  });
}

/** Deletes the release's port(s); true when one was deleted now. */
async function releasePorts(ctx: AttachmentContext, r: ReleaseRecord): Promise<boolean> {
  const { net } = ctx.o;
  const ids = new Set<string>(r.port_id ? [r.port_id] : []);
  // A known port is the whole attachment; without one, look for it by tag and as a half-made port
  if (!r.port_id)
    for (const p of await ctx.neutron(
      findAttachmentPorts(net, r.id, { network_id: r.key.network_id, name: r.name, device_id: r.device_id }),
    ))
      ids.add(p.id);
  let any = false;
  for (const portId of ids) if (await ctx.neutron(ports.removeIfExists(net, portId))) any = true;
  return any;
}

/** Inside the key's lock: a release of it still queued is done now (throws when Neutron cannot take it). */
export async function releaseQueued(ctx: AttachmentContext, id: string): Promise<void> {
  const r = ctx.o.journal.outbox.get(id);
  if (!r) return;
  await releasePorts(ctx, r);
  await ctx.o.journal.outbox.delete(id);
  ctx.o.log.info({ key: id, port: r.port_id }, 'queued release done before a new ADD of the key');
}

/** One pass over the outbox: entries due are retried, with a doubling pause (1 s to 1 min) on failure. */
export async function flushOutbox(ctx: AttachmentContext, now = Date.now()): Promise<number> {
  const { outbox } = ctx.o.journal;
  for (const r of outbox.all()) {
    if (r.next_at > now || ctx.busy(r.id)) continue;
    try {
      await ctx.serial(r.id, () => releasePorts(ctx, r));
      await outbox.delete(r.id);
      ctx.o.log.info({ key: r.id, port: r.port_id }, 'queued release done');
    } catch (e) {
      const attempts = r.attempts + 1;
      const pause = Math.min(60_000, 1000 * 2 ** Math.min(attempts - 1, 6));
      await outbox.put({ ...r, attempts, next_at: Date.now() + pause });
      if (!unreachable(e)) ctx.o.log.warn({ key: r.id, err: (e as Error).message }, 'queued release failed');
    }
  }
  return outbox.size;
}
