// A pool refill Neutron refuses is tried again: on the lab, a network whose only subnet is a /29 runs out of
// addresses, the refill fails, one address is freed, and the pool fills without another ADD.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Cloud } from '../openstack/client/cloud.ts';
import { openCloud } from '../openstack/client/cloud.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import * as networks from '../openstack/networking/v2/networks/index.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import * as subnets from '../openstack/networking/v2/subnets/index.ts';
import { call, DAEMON_CLOUD, startDaemon } from '../testing/daemon/daemon.ts';
import { testName, useLabConfig } from '../testing/openstack/lab.ts';

let cloud: Cloud;
let net: ServiceClient;
let networkId: string;
let subnetId: string;

before(async () => {
  useLabConfig();
  cloud = await openCloud({ cloud: DAEMON_CLOUD });
  net = await cloud.network();
  networkId = (await networks.create(net, { name: testName('refill') })).id;
  const octet = 100 + Math.floor(Math.random() * 150);
  subnetId = (await subnets.create(net, { network_id: networkId, cidr: `10.${octet}.7.0/29`, ip_version: 4 }))
    .id;
});
after(async () => {
  if (networkId) {
    for await (const p of ports.list(net, { network_id: networkId }))
      if (!p.device_owner.startsWith('network:')) await ports.removeIfExists(net, p.id);
    await networks.removeIfExists(net, networkId);
  }
  await cloud?.close();
});

describe('pool refill', () => {
  it('fails while the subnet is full, and fills once an address is free, with no ADD in between', async () => {
    // take every address but one: the ADD gets it, the pool's refill finds none
    const blockers: string[] = [];
    for (;;) {
      try {
        blockers.push(
          (await ports.create(net, { network_id: networkId, fixed_ips: [{ subnet_id: subnetId }] })).id,
        );
      } catch {
        break;
      }
    }
    assert.ok(blockers.length > 1, 'the /29 held some ports');
    await ports.remove(net, blockers.pop()!);
    const d = await startDaemon({
      args: ['--pool', '--pool-min', '1', '--pool-batch', '1', '--pool-max', '1'],
    });
    try {
      const key = {
        container_id: `c${randomBytes(8).toString('hex')}`,
        ifname: 'eth0',
        network_id: networkId,
      };
      const r = await call(d.socket, '/add', { ...key, subnet_id: subnetId });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await d.waitLog(/"msg":"pool refill failed"/, 120_000);
      await ports.remove(net, blockers.pop()!);
      await d.waitLog(/"created":1,"size":1,"msg":"pool refilled"/, 180_000);
      await call(d.socket, '/del', key);
    } finally {
      await d.stop();
      await d.remove();
    }
  });
});
