// --pool-network: the parser (offline), and a real daemon on the lab making a network's pool with that
// network's batch, not the global one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call, startDaemon } from '../testing/daemon/daemon.ts';
import { type TestNetwork, testNetwork } from '../testing/daemon/network.ts';
import { parsePoolNetwork } from './pool-settings.ts';

const NET = '9b1c0d2e-0000-4000-8000-000000000001';

describe('--pool-network', () => {
  it('reads any subset of min, batch and max per network, repeatable', () => {
    let v = parsePoolNetwork(`${NET}:min=8,batch=16`, undefined);
    v = parsePoolNetwork(`${NET}:max=32`, v);
    assert.deepEqual(v, { [NET]: { min: 8, batch: 16, max: 32 } });
    assert.deepEqual(Object.keys(parsePoolNetwork(`${NET}:min=1;aa-bb:max=2`, undefined)), [NET, 'aa-bb']);
  });

  it('names the flag and the bad part', () => {
    for (const [bad, field] of [
      ['nocolon', '--pool-network'],
      [`${NET}:size=3`, '--pool-network.size'],
      [`${NET}:min=-1`, '--pool-network.min'],
      [`${NET}:batch`, '--pool-network.batch'],
    ] as const) {
      assert.throws(
        () => parsePoolNetwork(bad, undefined),
        (e: Error & { field?: string }) => e.field === field && e.message.includes('--pool-network'),
        bad,
      );
    }
  });
});

describe('a network with its own pool sizes', () => {
  let t: TestNetwork;
  before(async () => {
    t = await testNetwork('poolnet');
  });
  after(() => t?.remove());

  it('refills with the network batch', async () => {
    const d = await startDaemon({
      args: [
        '--pool',
        '--pool-min',
        '1',
        '--pool-batch',
        '1',
        '--pool-network',
        `${t.networkId}:min=3,batch=3,max=3`,
      ],
    });
    try {
      const key = {
        container_id: `c${randomBytes(8).toString('hex')}`,
        ifname: 'eth0',
        network_id: t.networkId,
      };
      assert.equal((await call(d.socket, '/add', { ...key, subnet_id: t.subnet4 })).status, 200);
      await d.waitLog(/"msg":"pool refilled"/, 180_000);
      assert.match(d.logs(), /"created":3,"size":3,"msg":"pool refilled"/);
      await call(d.socket, '/del', key);
    } finally {
      await d.stop();
      await d.remove();
    }
  });
});
