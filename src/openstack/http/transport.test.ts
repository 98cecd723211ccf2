/**
 * Retry and timeout rules against fake servers on loopback: a real Neutron cannot be made to answer 503 or
 * 429 on demand, to hang, or to fail after applying a write. The real-service faults (stopped
 * Keystone/Neutron, revoked token) are in src/openstack/client/faults.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { closedPort, type FakeServer, fakeServer, json } from '../../testing/openstack/fake-server.ts';
import { NotSentError, ServiceUnavailableError, TimeoutError } from './errors.ts';
import { Transport } from './transport.ts';

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function fake(...args: Parameters<typeof fakeServer>): Promise<string> {
  const s = await fakeServer(...args);
  servers.push(s);
  return s.url;
}

const delays: number[] = [];
const transport = new Transport({
  timeoutMs: 2000,
  retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 40 },
  sleep: async (ms) => {
    delays.push(ms);
  },
});
after(() => transport.close());

test('idempotent GET is retried through 503s and succeeds', async () => {
  const url = await fake((_q, res, n) => (n <= 2 ? json(res, 503, {}) : json(res, 200, { ok: n })));
  const res = await transport.send({ method: 'GET', url, headers: {}, idempotent: true });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { ok: 3 });
  assert.equal(res.attempts, 3);
  assert.equal(res.requestId, 'req-x');
});

test('retries are bounded: the last 503 comes back after 1 + retries attempts', async () => {
  const url = await fake((_q, res) => json(res, 503, {}));
  const res = await transport.send({ method: 'DELETE', url, headers: {}, idempotent: true });
  assert.equal(res.status, 503);
  assert.equal(res.attempts, 4);
});

test('non-idempotent POST is not retried on 503', async () => {
  let hits = 0;
  const url = await fake((_q, res) => {
    hits++;
    json(res, 503, {});
  });
  const res = await transport.send({ method: 'POST', url, headers: {}, body: '{}', idempotent: false });
  assert.equal(res.status, 503);
  assert.equal(hits, 1);
});

test('429 is retried even for POST, honouring Retry-After in seconds', async () => {
  delays.length = 0;
  const url = await fake((_q, res, n) =>
    n === 1 ? json(res, 429, {}, { 'retry-after': '0.02' }) : json(res, 201, {}),
  );
  const res = await transport.send({ method: 'POST', url, headers: {}, idempotent: false });
  assert.equal(res.status, 201);
  assert.deepEqual(delays, [20]);
});

test('Retry-After as an HTTP date is honoured, measured against the answer Date (not the local clock)', async () => {
  const waits: number[] = [];
  const t = new Transport({
    timeoutMs: 2000,
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 4000 },
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  // the service's clock is years off ours: only the difference between its two headers counts
  const served = new Date('2001-02-03T04:05:06Z');
  const url = await fake((_q, res, n) =>
    n === 1
      ? json(
          res,
          503,
          {},
          {
            date: served.toUTCString(),
            'retry-after': new Date(served.getTime() + 3000).toUTCString(),
          },
        )
      : json(res, 200, {}),
  );
  try {
    const res = await t.send({ method: 'GET', url, headers: {}, idempotent: true });
    assert.equal(res.status, 200);
    assert.deepEqual(waits, [3000]);
  } finally {
    await t.close();
  }
});

test('backoff is full jitter: the random part spans 0 up to the cap', async (t) => {
  // two 503s, then a 200, for each call
  const url = await fake((_q, res, n) => (n % 3 !== 0 ? json(res, 503, {}) : json(res, 200, {})));
  delays.length = 0;
  t.mock.method(Math, 'random', () => 0);
  await transport.send({ method: 'GET', url, headers: {}, idempotent: true });
  assert.deepEqual(delays, [0, 0], 'a random 0 means no wait (equal jitter would wait half the cap)');
  delays.length = 0;
  t.mock.method(Math, 'random', () => 0.999);
  await transport.send({ method: 'GET', url, headers: {}, idempotent: true });
  // base 10 ms, then 20 ms: the whole cap, not just its upper half
  assert.deepEqual(delays, [10, 20]);
});

test('every request carries User-Agent osnet/<version of package.json>', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  let ua: string | undefined;
  const url = await fake((q, res) => {
    ua = q.headers['user-agent'];
    json(res, 200, {});
  });
  await transport.send({ method: 'GET', url, headers: {}, idempotent: true });
  assert.equal(ua, `osnet/${pkg.version}`);
});

test('a caller rule can make a 409 retriable (Neutron NetworkInUse)', async () => {
  const url = await fake((_q, res, n) =>
    n === 1 ? json(res, 409, { NeutronError: { type: 'NetworkInUse' } }) : json(res, 204, {}),
  );
  const res = await transport.send({
    method: 'DELETE',
    url,
    headers: {},
    idempotent: true,
    retriable: (r) => r.status === 409,
  });
  assert.equal(res.status, 204);
});

test('connection refused: retried for GET and for POST (nothing was sent), then a NotSentError', async () => {
  const url = `http://127.0.0.1:${await closedPort()}/v2.0/ports`;
  for (const method of ['GET', 'POST']) {
    delays.length = 0;
    await assert.rejects(
      transport.send({ method, url, headers: {}, idempotent: method === 'GET' }),
      (e: Error) => {
        assert.ok(e instanceof NotSentError, `${method}: got ${e.name}`);
        assert.ok(e instanceof ServiceUnavailableError);
        assert.match(
          e.message,
          /cannot reach the service \(ECONNREFUSED\), after 4 attempts; the request was never sent/,
        );
        return true;
      },
    );
    assert.equal(delays.length, 3, method);
  }
});

test('a POST refused at first reaches the service once it listens, exactly once', async () => {
  const port = await closedPort();
  let server: FakeServer | undefined;
  const t = new Transport({
    timeoutMs: 2000,
    retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 40 },
    sleep: async () => {
      server ??= await fakeServer((_q, res) => json(res, 201, { port: { id: 'p1' } }), port);
    },
  });
  try {
    const res = await t.send({
      method: 'POST',
      url: `http://127.0.0.1:${port}/v2.0/ports`,
      headers: {},
      body: '{}',
      idempotent: false,
    });
    assert.equal(res.status, 201);
    assert.equal(res.attempts, 2);
    assert.equal(server?.hits, 1);
  } finally {
    await t.close();
    await server?.close();
  }
});

test('a conditional PUT applied before a 503 is not retried into a false 412', async () => {
  // a Neutron-like resource: If-Match revision checked, the write applied, then the proxy answers 503
  let revision = 1;
  let hits = 0;
  const url = await fake((q, res) => {
    hits++;
    if (q.headers['if-match'] !== `revision_number=${revision}`) return json(res, 412, {});
    revision++;
    json(res, 503, {});
  });
  const res = await transport.send({
    method: 'PUT',
    url,
    headers: { 'If-Match': 'revision_number=1' },
    body: '{"port":{"name":"x"}}',
    idempotent: true,
  });
  assert.equal(res.status, 503, 'the caller must see the ambiguous 503, not a 412 for its own write');
  assert.equal(hits, 1);
  assert.equal(revision, 2);
  // without If-Match a PUT is still retried
  const plain = await fake((_q, r, n) => (n === 1 ? json(r, 503, {}) : json(r, 200, {})));
  assert.equal(
    (await transport.send({ method: 'PUT', url: plain, headers: {}, idempotent: true })).status,
    200,
  );
});

test('a hanging service gives a TimeoutError that says it may have been applied, not retried', async () => {
  let hits = 0;
  const url = await fake(() => {
    hits++; // never answers
  });
  await assert.rejects(
    transport.send({ method: 'GET', url, headers: {}, idempotent: true, timeoutMs: 150 }),
    (e: TimeoutError) =>
      e instanceof TimeoutError &&
      /no answer within 150 ms of sending: it may have been applied/.test(e.message),
  );
  assert.equal(hits, 1);
});
