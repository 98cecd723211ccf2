// The create batcher against the lab's Neutron, its calls counted: concurrent creates share bulk POSTs, and
// a bad create in a batch fails alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestNetwork, testNetwork } from '../testing/daemon/network.ts';
import { countingClient } from '../testing/openstack/counting-client.ts';
import { CreateBatcher } from './create-batcher.ts';

let t: TestNetwork;
before(async () => {
  t = await testNetwork('batch');
});
after(() => t?.remove());

describe('CreateBatcher', () => {
  it('makes 8 concurrent creates with at most 3 POSTs, each port as asked', async () => {
    const { client, calls } = countingClient(t.net);
    const b = new CreateBatcher(client, 10, 1);
    const names = Array.from({ length: 8 }, (_, i) => `batch-${process.pid}-${i}`);
    const made = await Promise.all(names.map((name) => b.create({ network_id: t.networkId, name })));
    assert.deepEqual(
      made.map((p) => p.name),
      names,
    );
    assert.equal(new Set(made.map((p) => p.id)).size, 8);
    assert.ok(calls.length <= 3, calls.join('\n'));
    assert.deepEqual(b.sent, { posts: calls.length, ports: 8 });
  });

  it('a create Neutron refuses fails alone; the rest of its batch is made', async () => {
    const b = new CreateBatcher(t.net, 10, 1);
    const first = b.create({ network_id: t.networkId, name: 'first' }); // goes alone, the rest wait for it
    const rest = [
      b.create({ network_id: t.networkId, name: 'ok-1' }),
      b.create({ network_id: t.networkId, fixed_ips: [{ subnet_id: t.subnet4, ip_address: '192.0.2.1' }] }),
      b.create({ network_id: t.networkId, name: 'ok-2' }),
    ];
    const out = await Promise.allSettled([first, ...rest]);
    assert.deepEqual(
      out.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok(b.sent.posts >= 3, 'the refused batch was sent again one by one');
  });
});
