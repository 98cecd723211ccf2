/**
 * ADD: journal record first (phase creating/claiming), then the port (claimed from a pool, or created with
 * name, device_id, device_owner, binding:host_id = node, security groups), then its tags, then the record
 * turns ready. A retried ADD finds the record (or, journal lost, the key tag) and answers the same port; a
 * half-made port is found by device_id, name and the description mark.
 *
 * @example
 *   const info = await addAttachment(attachments, parseAdd(body));
 */
import type { AddRequest, PortInfo } from '../cni/protocol.ts';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import * as tags from '../openstack/networking/v2/tags/index.ts';
import { type AttachmentContext, keyOf, unreachable } from './attachment-context.ts';
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

type Groups = string[] | undefined;

export function addAttachment(ctx: AttachmentContext, req: AddRequest): Promise<PortInfo> {
  const id = keyId(req);
  return ctx.serial(id, async () => {
    const { journal, net, pools } = ctx.o;
    const rec = journal.attachments.get(id);
    const name = portName(req);
    const device_id = deviceId(req);
    const sgs = await securityGroupsFor(req);
    // A retry, or a crash mid-ADD: finish what the record (or, journal lost, Neutron) knows
    const known = rec?.port_id ? await ctx.neutron(getPort(net, rec.port_id)) : undefined;
    const found =
      known ??
      (
        await ctx.neutron(
          findAttachmentPorts(net, id, {
            network_id: req.network_id,
            name: rec?.name ?? name,
            device_id: rec?.device_id ?? device_id,
          }),
        )
      )[0];
    if (found) return ctx.info(await finish(ctx, id, req, sgs, found, rec?.created_at), req, true);

    const pooled =
      req.mac || req.ips?.length ? undefined : pools.take(poolKey(req.network_id, req.subnet_id, sgs));
    const base = { id, key: keyOf(req), name, device_id, created_at: Date.now() };
    if (pooled) {
      // The claim: one port update (finish sees the pool port's name, device_id and host differ), its tags
      await journal.attachments.put({ ...base, phase: 'claiming', port_id: pooled.id });
      ctx.fault('pool-port-taken');
      return ctx.info(await finish(ctx, id, req, sgs, pooled, base.created_at), req, false);
    }
    await journal.attachments.put({ ...base, phase: 'creating' });
    let port: Port;
    try {
      port = await ctx.neutron(
        ports.create(net, {
          network_id: req.network_id,
          ...attachmentFields(ctx, id, req),
          ...(req.mac ? { mac_address: req.mac } : {}),
          ...(req.ips?.length || req.subnet_id ? { fixed_ips: fixedIps(req) } : {}),
          ...(sgs ? { security_groups: sgs } : {}),
        }),
      );
    } catch (e) {
      // Refused outright: nothing was made. Otherwise it may exist: the record lets a retry find it.
      if (!unreachable(e)) await journal.attachments.delete(id);
      throw e;
    }
    ctx.fault('port-created');
    await journal.attachments.put({ ...base, phase: 'creating', port_id: port.id });
    return ctx.info(await finish(ctx, id, req, sgs, port, base.created_at), req, false);
  });
}

/** The fields every attachment port has (written at create, or by the claim of a pool port). */
function attachmentFields(ctx: AttachmentContext, id: string, req: AddRequest) {
  return {
    name: portName(req),
    description: `${ATTACHMENT_MARK}${id}`,
    device_id: deviceId(req),
    device_owner: DEVICE_OWNER,
    'binding:host_id': ctx.o.node,
  };
}

/**
 * Makes a created, claimed or half-claimed port the attachment's: the fields of an attachment port and the
 * chosen security groups in one update when any differs, then the tags; the record turns ready.
 */
async function finish(
  ctx: AttachmentContext,
  id: string,
  req: AddRequest,
  sgs: Groups,
  port: Port,
  createdAt = Date.now(),
): Promise<Port> {
  const { net, node, journal } = ctx.o;
  const fields = attachmentFields(ctx, id, req);
  const change: ports.UpdatePortOpts = {};
  for (const [k, v] of Object.entries(fields) as [keyof typeof fields, string][]) {
    // binding:host_id is invisible without the binder role: then it was set at create or claim
    if (port[k] !== undefined && port[k] !== v) Object.assign(change, { [k]: v });
  }
  if (change['binding:host_id'] === undefined && 'name' in change) change['binding:host_id'] = node;
  if (sgs && [...sgs].sort().join() !== [...port.security_groups].sort().join()) change.security_groups = sgs;
  if (Object.keys(change).length > 0) port = await ctx.neutron(ports.update(net, port.id, change));
  const want = attachmentTags(id, req, node);
  if (!want.every((t) => port.tags?.includes(t)) || port.tags.some((t) => t.startsWith(TAG_POOL))) {
    port.tags = await ctx.neutron(tags.replaceAll(net, 'ports', port.id, want));
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

function fixedIps(req: AddRequest): { subnet_id?: string; ip_address?: string }[] {
  if (!req.ips?.length) return [{ subnet_id: req.subnet_id! }];
  return req.ips.map((ip) => ({
    ip_address: ip.split('/')[0]!,
    ...(req.subnet_id ? { subnet_id: req.subnet_id } : {}),
  }));
}
