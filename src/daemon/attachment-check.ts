/**
 * CHECK: the attachment's port exists, is bound to this node, and has the MAC and IPs the runtime has.
 *
 * @example
 *   await checkAttachment(attachments, parseCheck(body)); // { port_id } or an OSNET_ERR_ATTACHMENT_MISMATCH
 */
import type { CheckRequest, CheckResponse } from '../cni/protocol.ts';
import { OsnetError } from '../lib/errors.ts';
import type { AttachmentContext } from './attachment-context.ts';
import { keyId } from './keys.ts';
import { findAttachmentPorts, getPort } from './neutron.ts';

function sameIp(a: string, b: string): boolean {
  return a.split('/')[0]!.toLowerCase() === b.split('/')[0]!.toLowerCase();
}

export function checkAttachment(ctx: AttachmentContext, req: CheckRequest): Promise<CheckResponse> {
  const id = keyId(req);
  return ctx.serial(id, async () => {
    const { journal, net, node } = ctx.o;
    const rec = journal.attachments.get(id);
    const port = rec?.port_id
      ? await ctx.neutron(getPort(net, rec.port_id))
      : (await ctx.neutron(findAttachmentPorts(net, id, { network_id: req.network_id })))[0];
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
    if (host !== undefined && host !== node)
      throw mismatch('binding:host_id', `bound to ${host || 'no host'}, not to ${node}`);
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
