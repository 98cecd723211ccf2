/**
 * Tests only: the Neutron port the real daemon holds for one attachment, found as the daemon finds it: by
 * the key's tag, or by its description mark (written at create; the tags follow the ADD's answer, so a
 * port just answered may not carry them yet), read with the test's own client.
 *
 * @example
 *   const p = await attachmentPort(net, { container_id: 'c1', ifname: 'eth0', network_id }); // Port | undefined
 */
import type { AttachmentKey } from '../../cni/protocol.ts';
import { ATTACHMENT_MARK, DEVICE_OWNER, keyId } from '../../daemon/keys.ts';
import { findAttachmentPorts } from '../../daemon/neutron.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import type { Port } from '../../openstack/networking/v2/ports/index.ts';
import * as ports from '../../openstack/networking/v2/ports/index.ts';

export async function attachmentPort(net: ServiceClient, k: AttachmentKey): Promise<Port | undefined> {
  const id = keyId(k);
  const found = new Map(
    (await findAttachmentPorts(net, id, { network_id: k.network_id })).map((p) => [p.id, p]),
  );
  for await (const p of ports.list(net, { network_id: k.network_id, device_owner: DEVICE_OWNER }))
    if (p.description === `${ATTACHMENT_MARK}${id}`) found.set(p.id, p);
  if (found.size > 1) throw new Error(`${found.size} ports for ${JSON.stringify(k)}`);
  return [...found.values()][0];
}
