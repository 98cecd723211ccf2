/**
 * The OpenStack and external-API side of scripts/demo-policy.sh:
 *   project CLOUD                      prints the project id CLOUD's token is scoped to
 *   allow|revoke URL SRC DST PORT      POST (or POST …/delete) one tcp policy SRC → DST:PORT to the policy
 *                                      server's external API at URL, with lab-admin's Keystone token (the
 *                                      token never leaves this process)
 *   groups TAG                         prints the Neutron security groups tagged TAG (name and description)
 *   purge TAG                          deletes them (what the demo's server made), prints how many
 */

import { openCloud } from '../src/openstack/client/cloud.ts';
import { collect } from '../src/openstack/client/pagination.ts';
import * as securityGroups from '../src/openstack/networking/v2/security-groups/index.ts';

const [cmd, ...args] = process.argv.slice(2);
const cloud = await openCloud({ cloud: cmd === 'project' ? args[0]! : 'lab-admin' });
try {
  if (cmd === 'project' && args[0]) {
    console.log((await cloud.token()).projectId);
  } else if ((cmd === 'allow' || cmd === 'revoke') && args.length === 4) {
    const [url, source, destination, port] = args as [string, string, string, string];
    const p = Number(port);
    const body = {
      policies: [
        {
          source: { id: source },
          destination: { id: destination, protocol: 'tcp', ports: { start: p, end: p } },
        },
      ],
    };
    const res = await fetch(`${url}/networking/v1/external/policies${cmd === 'revoke' ? '/delete' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': (await cloud.token()).value },
      body: JSON.stringify(body),
    });
    console.log(
      `${cmd === 'allow' ? 'POST' : 'POST …/delete'} ${source} → ${destination} tcp ${p}: ${res.status} ${await res.text()}`,
    );
    if (!res.ok) process.exitCode = 1;
  } else if ((cmd === 'groups' || cmd === 'purge') && args[0]) {
    const net = await cloud.network();
    const groups = await collect(
      securityGroups.list(net, { tags: [args[0]], fields: ['id', 'name', 'description'] }),
    );
    if (cmd === 'groups') for (const g of groups) console.log(`${g.name} (app ${g.description})`);
    else {
      for (const g of groups) await securityGroups.removeIfExists(net, g.id);
      console.log(`security groups removed: ${groups.length}`);
    }
  } else {
    console.error(
      'usage: demo-policy-client.ts project CLOUD | allow|revoke URL SRC DST PORT | groups|purge TAG',
    );
    process.exitCode = 2;
  }
} finally {
  await cloud.close();
}
