import { openCloud } from '../src/openstack/index.ts';
import { networks, ports } from '../src/openstack/networking/v2/index.ts';
import { collect } from '../src/openstack/client/pagination.ts';
process.env.OS_CLIENT_CONFIG_FILE='/var/lib/osnet-lab/clouds.yaml';
const cloud = await openCloud({ cloud: 'lab-admin' });
const net = await cloud.network();
for (const n of await collect(networks.list(net, {}))) {
  if (!/^t-wg/.test(n.name)) continue;
  const ps = await collect(ports.list(net, { network_id: n.id, fields: ['id'] }));
  console.log(n.name, ps.length);
  await Promise.all(ps.map(p => ports.removeIfExists(net, p.id)));
  await networks.removeIfExists(net, n.id);
}
await cloud.close();
