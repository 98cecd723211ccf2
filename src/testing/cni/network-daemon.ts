/**
 * What the CNI lab tests set up first: a Neutron network with one IPv4 subnet in the daemon's project, and the
 * real daemon (cloud lab-cni, node = this chassis' hostname, so OVN binds the ports here). Both are undone by
 * the fixture's cleanup, the daemon first.
 *
 * @example
 *   const { networkId, daemon } = await networkWithDaemon(lab, net, 'tovs', '10.94.7');
 */
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { type Daemon, startDaemon } from '../daemon/daemon.ts';
import type { Cleanup } from '../openstack/cleanup.ts';
import { testName } from '../openstack/lab.ts';

export async function networkWithDaemon(
  lab: { cleanup: Cleanup },
  net: ServiceClient,
  tag: string,
  v4: string,
): Promise<{ networkId: string; daemon: Daemon }> {
  const { body } = await net.post<{ network: { id: string } }>('networks', {
    body: { network: { name: testName(tag) } },
  });
  const networkId = body.network.id;
  lab.cleanup.defer(() => net.delete(`networks/${networkId}`));
  await net.post('subnets', {
    body: { subnet: { network_id: networkId, ip_version: 4, cidr: `${v4}.0/24` } },
  });
  const daemon = await startDaemon();
  lab.cleanup.defer(async () => {
    await daemon.stop();
    await daemon.remove();
  });
  return { networkId, daemon };
}
