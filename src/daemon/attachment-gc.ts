/**
 * GC and reconcile. GC releases this node's attachments on a network that are not in the valid list;
 * reconcile releases ports tagged for this node that the journal does not know, and half-made ports
 * (marked, bound here, untagged) whose key has no record.
 *
 * @example
 *   await gcAttachments(attachments, parseGc(body)); // { released: [port ids] }
 *   await reconcileAttachments(attachments);          // released port ids
 */
import type { AttachmentKey, GcRequest, GcResponse } from '../cni/protocol.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import type { AttachmentContext } from './attachment-context.ts';
import { delAttachment } from './attachment-release.ts';
import {
  ATTACHMENT_MARK,
  DEVICE_OWNER,
  keyId,
  TAG_CONTAINER,
  TAG_IFNAME,
  TAG_KEY,
  TAG_NODE,
  tagValue,
} from './keys.ts';

export async function gcAttachments(ctx: AttachmentContext, req: GcRequest): Promise<GcResponse> {
  const { journal, net, node } = ctx.o;
  const valid = new Set(req.valid_attachments.map((a) => `${a.containerID}\0${a.ifname}`));
  const released: string[] = [];
  const stale = new Map<string, AttachmentKey>();
  for (const r of journal.attachments.all()) if (r.key.network_id === req.network_id) stale.set(r.id, r.key);
  for await (const p of ports.list(net, { tags: [`${TAG_NODE}${node}`], network_id: req.network_id })) {
    const c = tagValue(p.tags, TAG_CONTAINER);
    const i = tagValue(p.tags, TAG_IFNAME);
    if (c && i) {
      const key = { container_id: c, ifname: i, network_id: req.network_id };
      stale.set(keyId(key), key);
    }
  }
  for (const [id, key] of stale) {
    if (valid.has(`${key.container_id}\0${key.ifname}`)) continue;
    const port = journal.attachments.get(id)?.port_id;
    const res = await delAttachment(ctx, key);
    if (res.released || res.queued) released.push(port ?? id);
  }
  return { released };
}

export async function reconcileAttachments(ctx: AttachmentContext): Promise<string[]> {
  const { net, node, journal, log } = ctx.o;
  const released: string[] = [];
  const orphan = async (p: Port, why: string) => {
    if (await ctx.neutron(ports.removeIfExists(net, p.id))) {
      released.push(p.id);
      log.info({ port: p.id, name: p.name, why }, 'orphan port released');
    }
  };
  for await (const p of ports.list(net, { tags: [`${TAG_NODE}${node}`] })) {
    const id = tagValue(p.tags, TAG_KEY);
    if (!id || ctx.busy(id)) continue; // pool ports have no key tag
    if (!journal.byPort(p.id) && !journal.attachments.get(id))
      await orphan(p, 'tagged for this node, not in the journal');
  }
  for await (const p of ports.list(net, { device_owner: DEVICE_OWNER, 'binding:host_id': node })) {
    if (p.tags.some((t) => t.startsWith(TAG_KEY)) || !p.description.startsWith(ATTACHMENT_MARK)) continue;
    const id = p.description.slice(ATTACHMENT_MARK.length);
    if (ctx.busy(id) || journal.attachments.get(id) || journal.byPort(p.id)) continue;
    await orphan(p, 'half-made, no journal record');
  }
  return released;
}

/**
 * Attachment ports of this node (tagged for it, or half-made: marked and bound here) that no journal record
 * holds, by key id. With this map an ADD of a key without a record needs no Neutron lookup.
 */
export async function scanNode(ctx: AttachmentContext): Promise<Map<string, string>> {
  const { net, node, journal } = ctx.o;
  const out = new Map<string, string>();
  const seen = (p: Port, id: string | undefined) => {
    if (id && !journal.attachments.get(id) && !journal.byPort(p.id)) out.set(id, p.id);
  };
  for await (const p of ports.list(net, { tags: [`${TAG_NODE}${node}`] })) seen(p, tagValue(p.tags, TAG_KEY));
  for await (const p of ports.list(net, { device_owner: DEVICE_OWNER, 'binding:host_id': node })) {
    if (p.description.startsWith(ATTACHMENT_MARK)) seen(p, p.description.slice(ATTACHMENT_MARK.length));
  }
  return out;
}
