import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { fakeServer, json, readBody } from '../../testing/openstack/fake-server.ts';
import { TokenManager } from '../auth/token-manager.ts';
import { ServiceUnavailableError, UnauthorizedError } from '../http/errors.ts';
import { Transport } from '../http/transport.ts';
import { ServiceClient } from './service-client.ts';

const transport = new Transport({ timeoutMs: 1000, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
after(() => transport.close());
const tokens = new TokenManager(async () => {
  throw new Error('not used');
});
const net = new ServiceClient('network', 'http://127.0.0.1:9696/v2.0/', transport, tokens);

test('paths resolve under the versioned endpoint; arrays become repeated keys; nulls are dropped', () => {
  assert.equal(
    net.url('ports', {
      network_id: 'n1',
      fields: ['id', 'name'],
      limit: 3,
      admin_state_up: true,
      name: undefined,
      x: null,
    }),
    'http://127.0.0.1:9696/v2.0/ports?network_id=n1&fields=id&fields=name&limit=3&admin_state_up=true',
  );
  assert.equal(net.url('/ports/abc'), 'http://127.0.0.1:9696/v2.0/ports/abc');
  assert.equal(
    net.url('http://127.0.0.1:9696/v2.0/ports?limit=3&marker=m'),
    'http://127.0.0.1:9696/v2.0/ports?limit=3&marker=m',
  );
  assert.equal(
    net.url('ports', { fixed_ips: 'ip_address=10.0.0.5' }),
    'http://127.0.0.1:9696/v2.0/ports?fixed_ips=ip_address%3D10.0.0.5',
  );
});

test('the token is never sent to another origin (a pagination link pointing elsewhere is refused)', () => {
  assert.throws(
    () => net.url('http://evil.example:9696/v2.0/ports'),
    (e: { code: string; message: string }) =>
      e.code === 'OSNET_ERR_OS_UNEXPECTED' &&
      /not on the network endpoint http:\/\/127\.0\.0\.1:9696/.test(e.message),
  );
});

/** A token manager that hands out numbered fake tokens (t1, t2, ...), for servers that check nothing else. */
function fakeTokens() {
  let n = 0;
  return new TokenManager(async () => ({
    value: `fake-token-${++n}`,
    issuedAt: new Date(0),
    expiresAt: new Date(3_600_000),
    receivedAt: performance.timeOrigin + performance.now(),
    userId: 'u',
    userName: 'u',
    projectId: 'p',
    projectName: 'p',
    domainId: undefined,
    roles: [],
    catalog: [],
  }));
}

test('a conditional update answered 503 after it was applied: an error that says so, not a false 412', async () => {
  let revision = 3;
  const s = await fakeServer((q, res) => {
    if (q.headers['if-match'] !== `revision_number=${revision}`) return json(res, 412, {});
    revision++;
    json(res, 503, { NeutronError: { type: 'ServiceUnavailable', message: 'proxy gave up' } });
  });
  after(() => s.close());
  const c = new ServiceClient('network', `${s.url}v2.0/`, transport, fakeTokens());
  await assert.rejects(
    c.put('ports/p1', { body: { port: { name: 'x' } }, headers: { 'If-Match': 'revision_number=3' } }),
    (e: Error) => {
      assert.ok(e instanceof ServiceUnavailableError, `got ${e.name}: ${e.message}`);
      assert.match(
        e.message,
        /proxy gave up \(a conditional write is not retried: it may or may not have been applied/,
      );
      return true;
    },
  );
  assert.equal(s.hits, 1);
});

test('raw bodies: a stream goes up with its content-type, a download comes back as a stream', async () => {
  const image = Buffer.alloc(200_000, 3);
  let stored: Buffer = Buffer.alloc(0);
  let contentType: string | undefined;
  const s = await fakeServer(async (q, res) => {
    if (q.method === 'PUT') {
      contentType = q.headers['content-type'];
      stored = await readBody(q);
      res.writeHead(204).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(stored);
    }
  });
  after(() => s.close());
  const glance = new ServiceClient('image', `${s.url}v2/`, transport, fakeTokens());
  await glance.put('images/i1/file', {
    rawBody: Readable.from([image]),
    contentType: 'application/octet-stream',
  });
  assert.equal(contentType, 'application/octet-stream');
  assert.ok(stored.equals(image));
  const { body } = await glance.get<Readable>('images/i1/file', { stream: true });
  assert.ok(body instanceof Readable);
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  assert.ok(Buffer.concat(parts).equals(image));
});

test('a 401 on a streamed upload renews the token but does not resend the consumed stream', async () => {
  const seen: string[] = [];
  const s = await fakeServer(async (q, res) => {
    seen.push(String(q.headers['x-auth-token']));
    await readBody(q);
    json(res, 401, { error: { code: 401, message: 'token revoked', title: 'Unauthorized' } });
  });
  after(() => s.close());
  const tokens = fakeTokens();
  const glance = new ServiceClient('image', `${s.url}v2/`, transport, tokens);
  await assert.rejects(
    glance.put('images/i1/file', { rawBody: Readable.from([Buffer.from('data')]) }),
    (e: Error) =>
      e instanceof UnauthorizedError &&
      /a new token was issued; a streamed body is sent once/.test(e.message),
  );
  assert.deepEqual(seen, ['fake-token-1']);
  assert.equal((await tokens.get()).value, 'fake-token-2');
  // a Buffer body is re-sent with the new token as before
  seen.length = 0;
  await assert.rejects(glance.put('images/i1/file', { rawBody: Buffer.from('data') }), UnauthorizedError);
  assert.deepEqual(seen, ['fake-token-2', 'fake-token-3']);
});
