/**
 * Redirects against fake servers (a real Neutron does not redirect on demand): the token must never be
 * sent to another origin, so a redirect elsewhere is refused, and only same-origin GET/HEAD redirects are
 * followed.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type FakeServer, fakeServer, json } from '../../testing/openstack/fake-server.ts';
import { UnexpectedResponseError } from './errors.ts';
import { Transport } from './transport.ts';

const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
const transport = new Transport({ timeoutMs: 2000 });
after(() => transport.close());

test('a 302 to another host:port is refused; the other origin never sees the request or the token', async () => {
  const tokens: (string | undefined)[] = [];
  const elsewhere = await fakeServer((q, res) => {
    tokens.push(q.headers['x-auth-token'] as string | undefined);
    json(res, 200, { networks: [] });
  });
  const neutron = await fakeServer((_q, res) => {
    res.writeHead(302, { location: `${elsewhere.url}v2.0/networks` });
    res.end();
  });
  servers.push(elsewhere, neutron);
  for (const method of ['GET', 'POST']) {
    await assert.rejects(
      transport.send({
        method,
        url: `${neutron.url}v2.0/networks`,
        headers: { 'x-auth-token': 'secret-token-value' },
        idempotent: method === 'GET',
      }),
      (e: UnexpectedResponseError) => {
        assert.ok(e instanceof UnexpectedResponseError, `got ${(e as Error).name}`);
        assert.equal(e.status, 302);
        assert.match(
          e.message,
          /redirect to http:\/\/127\.0\.0\.1:\d+ refused: requests \(and their token\) go only to/,
        );
        assert.doesNotMatch(e.message, /secret-token-value/);
        return true;
      },
    );
  }
  assert.equal(elsewhere.hits, 0);
  assert.deepEqual(tokens, []);
});

test('a same-origin redirect is followed for GET, not for a write', async () => {
  const s = await fakeServer((q, res) => {
    if (q.url === '/v2.0/networks') {
      res.writeHead(301, { location: '/v2.0/networks/' });
      return res.end();
    }
    json(res, 200, { path: q.url, token: q.headers['x-auth-token'] });
  });
  servers.push(s);
  const res = await transport.send({
    method: 'GET',
    url: `${s.url}v2.0/networks`,
    headers: { 'x-auth-token': 't' },
    idempotent: true,
  });
  assert.deepEqual(res.body, { path: '/v2.0/networks/', token: 't' });
  await assert.rejects(
    transport.send({
      method: 'PUT',
      url: `${s.url}v2.0/networks`,
      headers: {},
      body: '{}',
      idempotent: true,
    }),
    /redirect of a PUT to \/v2\.0\/networks\/ not followed/,
  );
});
