/**
 * A throwaway Neutron network (IPv4 + IPv6 subnets) in the daemon's project, made with its own
 * least-privilege cloud, and removed with every port on it (tests only).
 *
 * @example
 *   const t = await testNetwork('daemon');
 *   await t.remove();
 */

import type { Cloud } from '../../openstack/client/cloud.ts';
import { openCloud } from '../../openstack/client/cloud.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { ports as portsOf } from '../../openstack/networking/v2/index.ts';
import * as networks from '../../openstack/networking/v2/networks/index.ts';
import type { Port } from '../../openstack/networking/v2/ports/index.ts';
import * as subnets from '../../openstack/networking/v2/subnets/index.ts';
import { testName, useLabConfig } from '../openstack/lab.ts';
import { DAEMON_CLOUD } from './daemon.ts';

export interface TestNetwork {
  cloud: Cloud;
  net: ServiceClient;
  networkId: string;
  subnet4: string;
  subnet6: string;
  /** Every port on the network now. */
  ports(): Promise<Port[]>;
  remove(): Promise<void>;
}

export async function testNetwork(tag: string): Promise<TestNetwork> {
  useLabConfig();
  const cloud = await openCloud({ cloud: DAEMON_CLOUD });
  const net = await cloud.network();
  const n = await networks.create(net, { name: testName(tag) });
  const octet = 100 + Math.floor(Math.random() * 150);
  const prefix = `10.${octet}.${Math.floor(Math.random() * 250)}`;
  const s4 = await subnets.create(net, {
    network_id: n.id,
    cidr: `${prefix}.0/24`,
    ip_version: 4,
    dns_nameservers: ['10.0.0.53'],
    host_routes: [{ destination: '192.168.77.0/24', nexthop: `${prefix}.254` }],
  });
  const s6 = await subnets.create(net, {
    network_id: n.id,
    cidr: `fd00:${octet.toString(16)}::/64`,
    ip_version: 6,
  });
  const all = async () => {
    const out: Port[] = [];
    for await (const p of portsOf.list(net, { network_id: n.id })) out.push(p);
    return out;
  };
  return {
    cloud,
    net,
    networkId: n.id,
    subnet4: s4.id,
    subnet6: s6.id,
    ports: all,
    async remove() {
      try {
        for (const p of await all())
          if (!p.device_owner.startsWith('network:')) await portsOf.removeIfExists(net, p.id);
        await networks.removeIfExists(net, n.id);
      } finally {
        await cloud.close();
      }
    },
  };
}
