/**
 * The Neutron side of scripts/demo-pods.sh, as the daemon's least-privilege cloud (lab-cni, or $OS_CLOUD):
 *   create NAME CIDR   a network with one IPv4 subnet; prints the network id
 *   delete ID          prints `ports left: …` (the network's ports other than Neutron's own, which a
 *                      clean DEL leaves none of), removes them and the network, then checks it is gone
 */
import { openCloud } from '../src/openstack/client/cloud.ts';
import { NotFoundError } from '../src/openstack/client/errors.ts';
import * as networks from '../src/openstack/networking/v2/networks/index.ts';
import * as ports from '../src/openstack/networking/v2/ports/index.ts';
import * as subnets from '../src/openstack/networking/v2/subnets/index.ts';

const [cmd, a, b] = process.argv.slice(2);
const cloud = await openCloud({ cloud: process.env.OS_CLOUD || 'lab-cni' });
try {
  const net = await cloud.network();
  const podPorts = async (id: string) => {
    const out: string[] = [];
    for await (const p of ports.list(net, { network_id: id }))
      if (!p.device_owner.startsWith('network:')) out.push(p.id);
    return out;
  };
  if (cmd === 'create' && a && b) {
    const n = await networks.create(net, { name: a });
    await subnets.create(net, { network_id: n.id, cidr: b, ip_version: 4 });
    console.log(n.id);
  } else if (cmd === 'delete' && a) {
    const left = await podPorts(a);
    console.log(`ports left: ${left.length ? left.join(' ') : 'none'}`);
    for (const id of left) await ports.removeIfExists(net, id);
    await networks.removeIfExists(net, a);
    const gone = await networks.get(net, a).then(
      () => false,
      (e: unknown) => {
        if (e instanceof NotFoundError) return true;
        throw e;
      },
    );
    console.log(`network ${gone ? 'removed' : 'still there'}`);
  } else {
    console.error('usage: demo-pods-network.ts create NAME CIDR | delete NETWORK_ID');
    process.exitCode = 2;
  }
} finally {
  await cloud.close();
}
