/**
 * Faults with the real services of the lab: Keystone stopped, neutron-server stopped and restarted mid-run,
 * a token revoked mid-run. These stop lab services, so the suite runs test files one at a time.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { labCloud, startLab, stopLabService, testName, useLabConfig } from '../../testing/openstack/lab.ts';
import { type Cloud, openCloud } from './cloud.ts';
import { NotSentError, ServiceUnavailableError } from './errors.ts';

let admin: Cloud;
before(async () => {
  admin = await labCloud('lab-admin');
});
after(async () => {
  await startLab(); // whatever happened, leave the lab up for the next file
  await admin.close();
});

test('Keystone stopped: a clear error; after restart the same client recovers', async () => {
  await stopLabService('keystone', 5000);
  useLabConfig();
  const cloud = await openCloud({
    cloud: 'lab-demo',
    retry: { retries: 1, baseDelayMs: 50, maxDelayMs: 100 },
  });
  try {
    await assert.rejects(cloud.network(), (e: ServiceUnavailableError) => {
      assert.ok(e instanceof ServiceUnavailableError, `got ${(e as Error).name}: ${(e as Error).message}`);
      assert.match(
        e.message,
        /POST http:\/\/127\.0\.0\.1:5000\/v3\/auth\/tokens: cannot reach the service \(ECONNREFUSED\), after 2 attempts/,
      );
      assert.equal(e.code, 'OSNET_ERR_OS_UNAVAILABLE');
      return true;
    });
    await startLab();
    const net = await cloud.network();
    const { status } = await net.get('networks', { query: { limit: 1 } });
    assert.equal(status, 200);
  } finally {
    await cloud.close();
  }
});

test('neutron-server restarted mid-run: idempotent calls ride it out, a refused create is retried, then fails as never sent', async () => {
  const cloud = await labCloud('lab-demo', { retry: { retries: 12, baseDelayMs: 500, maxDelayMs: 3000 } });
  try {
    const net = await cloud.network();
    await net.get('networks', { query: { limit: 1 } }); // token and endpoint resolved before the fault
    await stopLabService('neutron-server', 9696);
    const name = testName('fault');
    // refused connections prove nothing was sent, so even a POST is retried (13 attempts), then fails as such
    await assert.rejects(net.post('networks', { body: { network: { name } } }), (e: Error) => {
      assert.ok(e instanceof NotSentError, `got ${e.name}: ${e.message}`);
      assert.match(
        e.message,
        /POST .*\/v2\.0\/networks: cannot reach the service \(ECONNREFUSED\), after 13 attempts; the request was never sent/,
      );
      return true;
    });
    // a GET issued while Neutron is down, answered once it is back
    const pending = net.get<{ networks: unknown[] }>('networks', { query: { limit: 1 } });
    await startLab();
    const res = await pending;
    assert.equal(res.status, 200);
    const { body } = await net.get<{ networks: unknown[] }>('networks', { query: { name } });
    assert.equal(body.networks.length, 0, 'the failed POST must not have created a network');
  } finally {
    await cloud.close();
  }
});

test('token revoked mid-run: one re-auth shared by concurrent calls, then success', async () => {
  const cloud = await labCloud('lab-demo');
  try {
    const net = await cloud.network();
    const before = cloud.tokens.issued;
    const token = await cloud.token();
    const ks = await admin.identity();
    await ks.delete('auth/tokens', { headers: { 'x-subject-token': token.value } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => net.get('networks', { query: { limit: 1 } })),
    );
    assert.ok(results.every((r) => r.status === 200));
    assert.equal(cloud.tokens.issued, before + 1, 'exactly one new token for five calls');
    assert.notEqual((await cloud.token()).value, token.value);
  } finally {
    await cloud.close();
  }
});
