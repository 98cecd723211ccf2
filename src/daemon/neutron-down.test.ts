// DEL while neutron-server is stopped: it succeeds (queued durably) and the port is gone once Neutron is back.
// This test stops the shared lab's neutron-server for a few seconds: it always brings the lab back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { call, startDaemon } from '../testing/daemon/daemon.ts';
import { testNetwork } from '../testing/daemon/network.ts';
import { startLab, stopLabService } from '../testing/openstack/lab.ts';

it('DEL with Neutron down is queued, survives a restart of the daemon, and releases the port later', async () => {
  const t = await testNetwork('daemon-down');
  let d = await startDaemon({ args: ['--status-interval', '1'] });
  try {
    const key = {
      container_id: `c${randomBytes(8).toString('hex')}`,
      ifname: 'eth0',
      network_id: t.networkId,
    };
    const add = await call(d.socket, '/add', key);
    assert.equal(add.status, 200, JSON.stringify(add.body));
    const portId = String(add.body.port_id);
    try {
      await stopLabService('neutron-server', 9696);
      const del = await call(d.socket, '/del', key);
      assert.equal(del.status, 200, JSON.stringify(del.body));
      assert.deepEqual(del.body, { released: false, queued: true });
      assert.equal((await readdir(join(d.stateDir, 'outbox'))).length, 1, 'queued on disk');
      const st = await call(d.socket, '/status', undefined, { method: 'GET' });
      assert.equal(st.status, 503);
      assert.equal(st.body.code, 'OSNET_ERR_NOT_READY');
      assert.equal(st.body.cni, 50);
      // the queue is durable: a daemon restarted while Neutron is down still has it
      await d.stop();
      d = await startDaemon({ dir: d.dir });
    } finally {
      await startLab();
    }
    const end = Date.now() + 60_000;
    while ((await t.ports()).some((p) => p.id === portId)) {
      assert.ok(Date.now() < end, `port ${portId} still there 60 s after Neutron came back:\n${d.logs()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await d.waitLog(/queued release done/);
    assert.deepEqual(await readdir(join(d.stateDir, 'outbox')), []);
  } finally {
    await d.stop();
    await d.remove();
    await t.remove();
  }
});
