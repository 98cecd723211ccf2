/**
 * ADD: journal record first (phase creating/claiming), then the port (taken from a pool, or created with
 * name, device_id, device_owner, binding:host_id = node, security groups); the answer goes out as soon as
 * the port's MAC and addresses are known, and the rest (a pool port's claim update, the tags) follows under
 * the key's lock, so a CHECK or retried ADD of the key waits for it (a DEL does not: its release is queued
 * behind it, see attachment-release.ts); then the record turns ready. A claim that fails (Neutron down)
 * stays in the journal and {@link finishPending} completes it later.
 *
 * A retried ADD finds the record, else the port is asked of Neutron only while the journal cannot tell
 * (before the start-up scan, or a record from a crash mid-create): by the key tag, or half-made by
 * device_id, name and the description mark.
 *
 * @example
 *   const info = await addAttachment(attachments, parseAdd(body));
 */
import type { AddRequest, AttachmentKey, PortInfo } from '../cni/protocol.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import * as tags from '../openstack/networking/v2/tags/index.ts';
import { type AttachmentContext, keyOf, unreachable } from './attachment-context.ts';
import type { AttachmentRecord } from './journal.ts';
import {
  ATTACHMENT_MARK,
  attachmentTags,
  DEVICE_OWNER,
  deviceId,
  keyId,
  poolKey,
  portName,
  TAG_POOL,
} from './keys.ts';
import { findAttachmentPorts, getPort } from './neutron.ts';
import { securityGroupsFor } from './security-groups.ts';

/** What the port of an attachment must have, from the request or, after a restart, from its record. */
interface Want {
  id: string;
  key: AttachmentKey;
  name: string;
  device_id: string;
  sgs: string[] | undefined;
  created_at: number;
}

export function addAttachment(ctx: AttachmentContext, req: AddRequest): Promise<PortInfo> {
  const id = keyId(req);
  return new Promise<PortInfo>((resolve, reject) => {
    // resolve may come early (answered before the claim), the lock's end later: the second call is a no-op
    ctx.serial(id, () => addLocked(ctx, id, req, resolve)).then(resolve, reject);
  });
}

async function addLocked(
  ctx: AttachmentContext,
  id: string,
  req: AddRequest,
  answer: (info: PortInfo) => void,
): Promise<PortInfo> {
  const { journal, pools } = ctx.o;
  // A release of this key still queued would delete whatever port the key has: done first (it also ends
  // the record of an attachment whose DEL was queued behind its claim)
  await ctx.releaseQueued(id);
  const rec = journal.attachments.get(id);
  const sgs = await securityGroupsFor(req);
  const want: Want = {
    id,
    key: keyOf(req),
    name: portName(req),
    device_id: deviceId(req),
    sgs,
    created_at: rec?.created_at ?? Date.now(),
  };
  const found = await existing(ctx, id, req, rec, want);
  if (found) return ctx.info(await finish(ctx, want, found), req, true);

  const poolable = !req.mac && !req.ips?.length;
  const pool = poolKey(req.network_id, req.subnet_id, sgs);
  const pooled = poolable ? pools.take(pool) : undefined;
  const base = { id, key: want.key, name: want.name, device_id: want.device_id, created_at: want.created_at };
  const groups = sgs ? { security_groups: sgs } : {};
  if (pooled) {
    await journal.attachments.put({ ...base, ...groups, phase: 'claiming', port_id: pooled.id });
    ctx.fault('pool-port-taken');
    return answerThenFinish(ctx, want, pooled, req, answer);
  }
  await journal.attachments.put({ ...base, ...groups, phase: 'creating' });
  let port: Port;
  try {
    port = await ctx.neutron(
      ctx.creates.create({
        network_id: req.network_id,
        ...attachmentFields(ctx, want),
        ...(req.mac ? { mac_address: req.mac } : {}),
        ...(req.ips?.length || req.subnet_id ? { fixed_ips: fixedIps(req) } : {}),
        ...(sgs ? { security_groups: sgs } : {}),
        ...(ctx.tagsOnCreate ? { tags: attachmentTags(id, want.key, ctx.o.node) } : {}),
      }),
    );
  } catch (e) {
    ctx.facts.invalidate(req.network_id);
    // Refused outright: nothing was made. Otherwise it may exist: the record lets a retry find it.
    if (!unreachable(e)) await journal.attachments.delete(id);
    throw e;
  } finally {
    // the pool was empty: filled now, after this ADD's own create
    if (poolable) pools.refill(pool);
  }
  ctx.fault('port-created');
  await journal.attachments.put({ ...base, ...groups, phase: 'creating', port_id: port.id });
  return answerThenFinish(ctx, want, port, req, answer);
}

/** The key's port when one may exist already: the record's, a stray of the start-up scan, or Neutron's. */
async function existing(
  ctx: AttachmentContext,
  id: string,
  req: AddRequest,
  rec: AttachmentRecord | undefined,
  want: Want,
): Promise<Port | undefined> {
  const { net } = ctx.o;
  if (rec?.port_id) return ctx.neutron(getPort(net, rec.port_id));
  if (!rec && ctx.strays) {
    const stray = ctx.strays.get(id);
    if (!stray) return undefined;
    ctx.strays.delete(id);
    return ctx.neutron(getPort(net, stray));
  }
  const hint = {
    network_id: req.network_id,
    name: rec?.name ?? want.name,
    device_id: rec?.device_id ?? want.device_id,
  };
  return (await ctx.neutron(findAttachmentPorts(net, id, hint)))[0];
}

/** Answers from the port as it is, then makes it the attachment's; a failure of the rest is retried later. */
async function answerThenFinish(
  ctx: AttachmentContext,
  want: Want,
  port: Port,
  req: AddRequest,
  answer: (info: PortInfo) => void,
): Promise<PortInfo> {
  const info = await ctx.info(port, req, false);
  answer(info);
  // the answer is on the socket before the claim starts (and before the crash test's kill)
  await new Promise((r) => setImmediate(r));
  ctx.fault('answered');
  await ctx.claimPause();
  // a DEL that came meanwhile was queued behind this claim: the port is deleted right after, unclaimed
  if (ctx.o.journal.outbox.get(want.id)) return info;
  try {
    await finish(ctx, want, port);
  } catch (e) {
    ctx.o.log.warn({ key: want.id, port: port.id, err: (e as Error).message }, 'claim postponed');
  }
  return info;
}

/** The fields every attachment port has (written at create, or by the claim of a pool port). */
function attachmentFields(ctx: AttachmentContext, want: Want) {
  return {
    name: want.name,
    description: `${ATTACHMENT_MARK}${want.id}`,
    device_id: want.device_id,
    device_owner: DEVICE_OWNER,
    'binding:host_id': ctx.o.node,
  };
}

/**
 * Makes a created, claimed or half-claimed port the attachment's: the fields of an attachment port and the
 * chosen security groups in one update when any differs, then the tags; the record turns ready.
 */
async function finish(ctx: AttachmentContext, want: Want, port: Port): Promise<Port> {
  const { net, node, journal } = ctx.o;
  const fields = attachmentFields(ctx, want);
  const change: ports.UpdatePortOpts = {};
  for (const [k, v] of Object.entries(fields) as [keyof typeof fields, string][]) {
    // binding:host_id is invisible without the binder role: then it was set at create or claim
    if (port[k] !== undefined && port[k] !== v) Object.assign(change, { [k]: v });
  }
  if (change['binding:host_id'] === undefined && 'name' in change && port['binding:host_id'] === undefined)
    change['binding:host_id'] = node;
  const { sgs } = want;
  if (sgs && [...sgs].sort().join() !== [...port.security_groups].sort().join()) change.security_groups = sgs;
  if (Object.keys(change).length > 0) port = await ctx.neutron(ports.update(net, port.id, change));
  // a DEL came during the update: the release queued behind this deletes the port, tags or not
  if (journal.outbox.get(want.id)) return port;
  const tagged = attachmentTags(want.id, want.key, node);
  if (!tagged.every((t) => port.tags?.includes(t)) || port.tags.some((t) => t.startsWith(TAG_POOL))) {
    port.tags = await ctx.neutron(tags.replaceAll(net, 'ports', port.id, tagged));
  }
  await journal.attachments.put({
    id: want.id,
    key: want.key,
    phase: 'ready',
    name: port.name,
    device_id: port.device_id,
    port_id: port.id,
    ...(sgs ? { security_groups: sgs } : {}),
    created_at: want.created_at,
  });
  return port;
}

/**
 * Completes the claims and tags that were postponed (Neutron refused or the daemon stopped after the
 * answer): records not ready that know their port. Returns how many were completed.
 */
export async function finishPending(ctx: AttachmentContext): Promise<number> {
  let done = 0;
  for (const rec of ctx.o.journal.attachments.all()) {
    // a key with a release queued is deleted, not claimed
    if (rec.phase === 'ready' || !rec.port_id || ctx.busy(rec.id) || ctx.o.journal.outbox.get(rec.id))
      continue;
    const portId = rec.port_id;
    await ctx.serial(rec.id, async () => {
      const now = ctx.o.journal.attachments.get(rec.id);
      if (!now || now.phase === 'ready' || now.port_id !== portId || ctx.o.journal.outbox.get(now.id)) return;
      const port = await ctx.neutron(getPort(ctx.o.net, portId));
      if (!port) return; // gone: a DEL of the key finds nothing to release, a CHECK reports it
      const want: Want = {
        id: now.id,
        key: now.key,
        name: now.name,
        device_id: now.device_id,
        sgs: now.security_groups,
        created_at: now.created_at,
      };
      await finish(ctx, want, port);
      done++;
    });
  }
  return done;
}

function fixedIps(req: AddRequest): { subnet_id?: string; ip_address?: string }[] {
  if (!req.ips?.length) return [{ subnet_id: req.subnet_id! }];
  return req.ips.map((ip) => ({
    ip_address: ip.split('/')[0]!,
    ...(req.subnet_id ? { subnet_id: req.subnet_id } : {}),
  }));
}
