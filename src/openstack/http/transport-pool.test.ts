/**
 * Connection pool rules against fake slow servers on loopback (a real Neutron cannot be made to take exactly
 * 1 s per request): the answer timeout starts when a request is written, not while it waits for a pooled
 * connection; a request that never got one is a distinct, retriable NotSentError; the pool size and
 * per-service concurrency are configurable; an injected dispatcher is used and left open.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { MockAgent } from 'undici';
import { type FakeServer, fakeServer, json, readBody } from '../../testing/openstack/fake-server.ts';
import { NotSentError, TimeoutError } from './errors.ts';
import { Transport } from './transport.ts';

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** A server answering each request after `ms`, counting what it created and the most in flight at once. */
async function slowServer(ms: number) {
  const stats = { created: 0, inFlight: 0, maxInFlight: 0 };
  const s = await fakeServer(async (q, res: ServerResponse) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    await readBody(q);
    setTimeout(() => {
      stats.inFlight--;
      if (q.method === 'POST') stats.created++;
      json(res, 201, { port: { id: `p${stats.created}` } });
    }, ms);
  });
  servers.push(s);
  return { url: `${s.url}v2.0/ports`, stats };
}

test('50 concurrent port creates, 1 s server, 2.5 s timeout: no TimeoutError, every port created once', async () => {
  const { url, stats } = await slowServer(1000);
  const t = new Transport({ timeoutMs: 2500, retry: { retries: 4, baseDelayMs: 50, maxDelayMs: 200 } });
  try {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        t.send({ method: 'POST', url, headers: {}, body: '{"port":{}}', idempotent: false }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    assert.deepEqual(failed, [], 'the 2.5 s timeout must not count the wait for one of the 16 connections');
    assert.equal(stats.created, 50, 'each create reached the service exactly once');
    assert.equal(stats.maxInFlight, 16, 'the default pool has 16 connections per host');
  } finally {
    await t.close();
  }
});

test('no connection free in time: a NotSentError, never a TimeoutError, and the service saw none of those', async () => {
  const { url, stats } = await slowServer(300);
  const t = new Transport({ timeoutMs: 5000, queueTimeoutMs: 450, connections: 2, retry: { retries: 0 } });
  try {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        t.send({ method: 'POST', url, headers: {}, body: '{}', idempotent: false }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    assert.ok(errors.length > 0, 'the third wave waits longer than 450 ms');
    for (const e of errors) {
      assert.ok(e instanceof NotSentError, `got ${e.name}: ${e.message}`);
      assert.ok(!(e instanceof TimeoutError));
      assert.match(
        e.message,
        /no connection free within 450 ms, after 1 attempt; the request was never sent/,
      );
    }
    await new Promise((r) => setTimeout(r, 400)); // let anything wrongly sent arrive
    assert.equal(stats.created, ok, 'exactly the successful creates reached the service');
  } finally {
    await t.close();
  }
});

test('connections per host are configurable', async () => {
  const { url, stats } = await slowServer(100);
  const t = new Transport({ timeoutMs: 5000, connections: 3 });
  try {
    await Promise.all(
      Array.from({ length: 9 }, () => t.send({ method: 'GET', url, headers: {}, idempotent: true })),
    );
    assert.equal(stats.maxInFlight, 3);
  } finally {
    await t.close();
  }
});

test('a per-service concurrency limit holds requests of that service only', async () => {
  const net = await slowServer(100);
  const img = await slowServer(100);
  const t = new Transport({ timeoutMs: 5000, concurrency: { network: 2 } });
  try {
    await Promise.all([
      ...Array.from({ length: 6 }, () =>
        t.send({ method: 'GET', url: net.url, headers: {}, idempotent: true, service: 'network' }),
      ),
      ...Array.from({ length: 6 }, () =>
        t.send({ method: 'GET', url: img.url, headers: {}, idempotent: true, service: 'image' }),
      ),
    ]);
    assert.equal(net.stats.maxInFlight, 2);
    assert.equal(img.stats.maxInFlight, 6);
  } finally {
    await t.close();
  }
  assert.throws(
    () => new Transport({ timeoutMs: 1000, concurrency: { network: 0 } }),
    (e: { field: string }) => e.field === 'concurrency.network',
  );
});

test('an injected dispatcher (MockAgent) carries the requests and is left open by close()', async () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get('http://neutron.test:9696');
  pool
    .intercept({ path: '/v2.0/networks', method: 'GET' })
    .reply(200, { networks: [] }, { headers: { 'content-type': 'application/json' } })
    .times(2);
  const a = new Transport({ timeoutMs: 1000, dispatcher: agent });
  const b = new Transport({ timeoutMs: 1000, dispatcher: agent });
  const url = 'http://neutron.test:9696/v2.0/networks';
  assert.deepEqual((await a.send({ method: 'GET', url, headers: {}, idempotent: true })).body, {
    networks: [],
  });
  await a.close();
  const res = await b.send({ method: 'GET', url, headers: {}, idempotent: true });
  assert.equal(res.status, 200, 'the shared dispatcher still serves the other user');
  await b.close();
  agent.assertNoPendingInterceptors();
  await agent.close();
});

test('a closed shared dispatcher fails the request at once as never sent', async () => {
  const agent = new MockAgent();
  await agent.close();
  const t = new Transport({ timeoutMs: 1000, dispatcher: agent, retry: { retries: 0 } });
  const started = performance.now();
  await assert.rejects(
    t.send({ method: 'POST', url: 'http://neutron.test:9696/v2.0/ports', headers: {}, idempotent: false }),
    (e: Error) => e instanceof NotSentError && /the request was never sent/.test(e.message),
  );
  assert.ok(performance.now() - started < 500, 'not after the queue limit');
});
