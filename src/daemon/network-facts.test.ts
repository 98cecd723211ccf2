// The per-network facts cache against the lab's Neutron, its calls counted: concurrent ADDs share one fetch
// (network + subnet list), a new subnet refetches, a failure is not kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../openstack/client/errors.ts';
import * as subnets from '../openstack/networking/v2/subnets/index.ts';
import { type TestNetwork, testNetwork } from '../testing/daemon/network.ts';
import { countingClient } from '../testing/openstack/counting-client.ts';
import { NeutronCache } from './network-facts.ts';

let t: TestNetwork;
before(async () => {
  t = await testNetwork('facts');
});
after(() => t?.remove());

describe('NeutronCache', () => {
  it('answers many concurrent asks about one network with one network GET and one subnet list', async () => {
    const { client, calls } = countingClient(t.net);
    const cache = new NeutronCache(client);
    const got = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? cache.subnet(t.subnet4, t.networkId) : cache.networkMtu(t.networkId),
      ),
    );
    assert.equal(calls.length, 2, calls.join('\n'));
    assert.equal((got[1] as { id: string }).id, t.subnet4);
    assert.ok((got[0] as number) > 0, 'the network has an MTU');
    await cache.subnet(t.subnet6, t.networkId);
    assert.equal(calls.length, 2, 'the second subnet came with the first list');
  });

  it('refetches for a subnet made since, and keeps no failure', async () => {
    const { client, calls } = countingClient(t.net);
    const cache = new NeutronCache(client);
    await cache.networkMtu(t.networkId);
    const s = await subnets.create(t.net, {
      network_id: t.networkId,
      cidr: '10.250.251.0/24',
      ip_version: 4,
    });
    assert.equal((await cache.subnet(s.id, t.networkId)).cidr, '10.250.251.0/24');
    assert.equal(calls.length, 4, calls.join('\n'));
    const missing = '00000000-0000-4000-8000-000000000000';
    await assert.rejects(cache.networkMtu(missing), NotFoundError);
    await assert.rejects(cache.networkMtu(missing), NotFoundError);
    assert.equal(
      calls.filter((c) => c.includes(`networks/${missing}`)).length,
      2,
      'the failure was asked again',
    );
  });

  it('forgets the facts after their time', async () => {
    const { client, calls } = countingClient(t.net);
    const cache = new NeutronCache(client, 50);
    await cache.networkMtu(t.networkId);
    await new Promise((r) => setTimeout(r, 120));
    await cache.networkMtu(t.networkId);
    assert.equal(calls.length, 4, calls.join('\n'));
  });
});
