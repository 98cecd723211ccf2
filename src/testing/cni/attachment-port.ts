/**
 * Tests only: the Neutron port the real daemon holds for one attachment, found as the daemon finds it (by
 * the key's tag, or half-made by its description mark), read with the test's own client.
 *
 * @example
 *   const p = await attachmentPort(net, { container_id: 'c1', ifname: 'eth0', network_id }); // Port | undefined
 */
import type { AttachmentKey } from '../../cni/protocol.ts';
import { keyId } from '../../daemon/keys.ts';
import { findAttachmentPorts } from '../../daemon/neutron.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import type { Port } from '../../openstack/networking/v2/ports/index.ts';

export async function attachmentPort(net: ServiceClient, k: AttachmentKey): Promise<Port | undefined> {
  const found = await findAttachmentPorts(net, keyId(k), { network_id: k.network_id });
  if (found.length > 1) throw new Error(`${found.length} ports for ${JSON.stringify(k)}`);
  return found[0];
}
