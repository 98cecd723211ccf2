/**
 * Retry and timeout rules against fake servers on loopback: a real Neutron cannot be made to answer 503 or
 * 429 on demand, or to hang. The real-service faults (stopped Keystone/Neutron, revoked token) are in
 * src/openstack/client/faults.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { ServiceUnavailableError, TimeoutError } from '../client/errors.ts';
import { Transport } from './transport.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function fakeServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<string> {
  let n = 0;
  const s = createServer((req, res) => handler(req, res, ++n));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
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

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-openstack-request-id': 'req-x',
    ...headers,
  });
  res.end(JSON.stringify(body));
};

test('idempotent GET is retried through 503s and succeeds', async () => {
  const url = await fakeServer((_q, res, n) => (n <= 2 ? json(res, 503, {}) : json(res, 200, { ok: n })));
  const res = await transport.send({ method: 'GET', url, headers: {}, idempotent: true });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { ok: 3 });
  assert.equal(res.attempts, 3);
  assert.equal(res.requestId, 'req-x');
});

test('retries are bounded: the last 503 comes back after 1 + retries attempts', async () => {
  const url = await fakeServer((_q, res) => json(res, 503, {}));
  const res = await transport.send({ method: 'DELETE', url, headers: {}, idempotent: true });
  assert.equal(res.status, 503);
  assert.equal(res.attempts, 4);
});

test('non-idempotent POST is not retried on 503', async () => {
  let hits = 0;
  const url = await fakeServer((_q, res) => {
    hits++;
    json(res, 503, {});
  });
  const res = await transport.send({ method: 'POST', url, headers: {}, body: '{}', idempotent: false });
  assert.equal(res.status, 503);
  assert.equal(hits, 1);
});

test('429 is retried even for POST, honouring Retry-After', async () => {
  delays.length = 0;
  const url = await fakeServer((_q, res, n) =>
    n === 1 ? json(res, 429, {}, { 'retry-after': '0.02' }) : json(res, 201, {}),
  );
  const res = await transport.send({ method: 'POST', url, headers: {}, idempotent: false });
  assert.equal(res.status, 201);
  assert.deepEqual(delays, [20]);
});

test('a caller rule can make a 409 retriable (Neutron NetworkInUse)', async () => {
  const url = await fakeServer((_q, res, n) =>
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

test('connection refused: idempotent retried then a clear ServiceUnavailableError; POST fails at once', async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const url = `http://127.0.0.1:${port}/v2.0/ports`;
  delays.length = 0;
  await assert.rejects(
    transport.send({ method: 'GET', url, headers: {}, idempotent: true }),
    (e: ServiceUnavailableError) => {
      assert.ok(e instanceof ServiceUnavailableError);
      assert.match(e.message, /cannot reach the service \(ECONNREFUSED\), after 4 attempts/);
      return true;
    },
  );
  assert.equal(delays.length, 3);
  await assert.rejects(
    transport.send({ method: 'POST', url, headers: {}, idempotent: false }),
    /ECONNREFUSED\), not retried: the request is not idempotent/,
  );
});

test('a hanging service gives a TimeoutError, not retried', async () => {
  let hits = 0;
  const url = await fakeServer(() => {
    hits++; // never answers
  });
  await assert.rejects(
    transport.send({ method: 'GET', url, headers: {}, idempotent: true, timeoutMs: 150 }),
    (e: TimeoutError) => e instanceof TimeoutError && /no answer within 150 ms/.test(e.message),
  );
  assert.equal(hits, 1);
});
