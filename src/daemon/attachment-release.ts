/**
 * DEL and the release outbox: DEL deletes exactly the key's port(s); when Neutron cannot be reached the
 * release goes to the durable outbox and DEL still succeeds. An attachment already gone is a success.
 * A DEL never waits for a call of its key in flight (an ADD's claim update and tags after its answer): its
 * release is queued durably, answered `queued`, and done under the key's lock right after that call; the
 * attachment record stays until then, so the claim cannot bring back a record the DEL removed.
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
  if (ctx.busy(id)) return queueBehind(ctx, key, id);
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

/** Queues the key's release behind the call in flight on it and answers at once; see the module comment. */
async function queueBehind(ctx: AttachmentContext, key: AttachmentKey, id: string): Promise<DelResponse> {
  const { journal, log } = ctx.o;
  const rec = journal.attachments.get(id);
  await journal.outbox.put({
    id,
    key: keyOf(key),
    attempts: 0,
    next_at: Date.now(),
    ...(rec?.port_id ? { port_id: rec.port_id } : {}),
    ...(rec ? { name: rec.name, device_id: rec.device_id } : {}),
  });
  log.info({ key: id, port: rec?.port_id }, 'release queued behind the call in flight');
  ctx
    .serial(id, () => attemptQueued(ctx, id))
    .catch((e: unknown) => {
      // the journal could not record a retry: the outbox pass tries it again
      log.warn({ key: id, err: (e as Error).message }, 'queued release not retried');
    });
  return { released: false, queued: true };
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

/**
 * Inside the key's lock: the queued release is done (throws when Neutron cannot take it). A release queued
 * behind an ADD also takes the port that ADD recorded since, and ends the attachment record.
 */
async function doQueued(ctx: AttachmentContext, id: string): Promise<ReleaseRecord | undefined> {
  const { journal } = ctx.o;
  const queued = journal.outbox.get(id);
  if (!queued) return undefined;
  const portId = queued.port_id ?? journal.attachments.get(id)?.port_id;
  const r = portId ? { ...queued, port_id: portId } : queued;
  await releasePorts(ctx, r);
  await journal.attachments.delete(id);
  await journal.outbox.delete(id);
  return r;
}

/** Inside the key's lock: a release of it still queued is done now (throws when Neutron cannot take it). */
export async function releaseQueued(ctx: AttachmentContext, id: string): Promise<void> {
  const r = await doQueued(ctx, id);
  if (r) ctx.o.log.info({ key: id, port: r.port_id }, 'queued release done before a new ADD of the key');
}

/** Inside the key's lock: one try of its queued release; a failure pauses it (doubling, 1 s to 1 min). */
async function attemptQueued(ctx: AttachmentContext, id: string): Promise<void> {
  try {
    const r = await doQueued(ctx, id);
    if (r) ctx.o.log.info({ key: id, port: r.port_id }, 'queued release done');
  } catch (e) {
    const r = ctx.o.journal.outbox.get(id);
    if (!r) return;
    const attempts = r.attempts + 1;
    const pause = Math.min(60_000, 1000 * 2 ** Math.min(attempts - 1, 6));
    await ctx.o.journal.outbox.put({ ...r, attempts, next_at: Date.now() + pause });
    if (!unreachable(e)) ctx.o.log.warn({ key: id, err: (e as Error).message }, 'queued release failed');
  }
}

/** One pass over the outbox: entries due are retried, with a doubling pause (1 s to 1 min) on failure. */
export async function flushOutbox(ctx: AttachmentContext, now = Date.now()): Promise<number> {
  const { outbox } = ctx.o.journal;
  for (const r of outbox.all()) {
    if (r.next_at > now || ctx.busy(r.id)) continue;
    await ctx.serial(r.id, () => attemptQueued(ctx, r.id));
  }
  return outbox.size;
}
