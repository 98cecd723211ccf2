// The external API with REAL Keystone tokens of the lab's projects (admin, demo, demo2), validated by the
// server against the lab's Keystone with its own (admin) credentials.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cloud } from '../../openstack/client/cloud.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { labFixture } from '../../testing/openstack/fixture.ts';
import { testName } from '../../testing/openstack/lab.ts';
import { startInProcessPolicyServer } from '../../testing/policy/in-process.ts';
import { type TestRepo, testPolicyRepo } from '../../testing/policy/repo.ts';
import { generateCerts } from '../certs/generate.ts';
import type { PolicyServer } from '../server.ts';
import { type CachingValidator, keystoneTokens } from './auth.ts';

type Who = 'admin' | 'demo' | 'demo2';
const pol = (s: string, d: string, port = 8080, protocol = 'tcp') => ({
  source: { id: s },
  destination: { id: d, protocol, ports: { start: port, end: port } },
});

describe('external API: authorisation with real Keystone tokens (lab)', () => {
  const lab = labFixture(['lab-admin', 'lab-demo', 'lab-demo2'], 'identity');
  let clouds: readonly [Cloud, Cloud, Cloud];
  let t: TestRepo;
  let server: PolicyServer;
  let tokens: CachingValidator;
  let base: string;
  const tok: Record<Who, string> = { admin: '', demo: '', demo2: '' };
  const n = testName('pol');
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => `${n}-${x}`) as [string, string, string, string];

  const call = async (who: Who | undefined, method: string, path: string, body?: unknown, headers = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(who ? { 'x-auth-token': tok[who] } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const list = async (who: Who, q = `?id=${[a, b, c, d].join(',')}`) =>
    (await call(who, 'GET', `/networking/v1/external/policies${q}`)).body;

  before(async () => {
    let identity: ServiceClient;
    [clouds, [identity]] = await lab.open();
    const values = await Promise.all(clouds.map(async (x) => (await x.token()).value));
    [tok.admin, tok.demo, tok.demo2] = values as [string, string, string];
    tokens = keystoneTokens(identity);
    t = await testPolicyRepo();
    const certs = await generateCerts();
    const s = await startInProcessPolicyServer({
      repo: t.repo,
      tokens,
      pem: { ca: certs.files['ca.crt'], cert: certs.files['server.crt'], key: certs.files['server.key'] },
    });
    server = s.server;
    base = s.externalUrl!;
  });
  after(async () => {
    await server?.close();
    await t?.close();
    await lab.close();
  });

  it('no token or a bad one is 401; a token works in X-Auth-Token and in Authorization: Bearer', async () => {
    const none = await call(undefined, 'GET', '/networking/v1/external/policies');
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'OSNET_ERR_HTTP_UNAUTHENTICATED');
    const bad = await call(undefined, 'GET', '/networking/v1/external/policies', undefined, {
      'x-auth-token': 'gAAAAA-not-a-token',
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.field, 'X-Auth-Token');
    const bearer = await call(undefined, 'GET', '/networking/v1/external/policies', undefined, {
      authorization: `Bearer ${tok.demo}`,
    });
    assert.equal(bearer.status, 200);
  });

  it('each member sees and changes only its project; admin sees all', async () => {
    assert.equal(
      (await call('demo', 'POST', '/networking/v1/external/policies', { policies: [pol(a, b)] })).status,
      200,
    );
    assert.equal(
      (await call('demo2', 'POST', '/networking/v1/external/policies', { policies: [pol(c, d)] })).status,
      200,
    );
    assert.deepEqual((await list('demo')).policies, [pol(a, b)]);
    assert.deepEqual((await list('demo2')).policies, [pol(c, d)]);
    assert.equal((await list('admin')).total_policies, 2);
    assert.deepEqual((await list('demo2', `?id=${a}`)).policies, [], "another project's group is invisible");
    assert.deepEqual((await list('demo2', `?source_id=${a}`)).policies, []);

    const tags = async (who: Who) =>
      (await call(who, 'GET', '/networking/v1/external/tags')).body.tags
        .map((x: { id: string }) => x.id)
        .sort();
    assert.deepEqual(await tags('demo'), [a, b]);
    assert.deepEqual(await tags('demo2'), [c, d]);
    assert.ok((await tags('admin')).length >= 4);
  });

  it("a member naming another project's group is refused (403, the field named) and nothing is written", async () => {
    const before = await list('admin');
    const create = await call('demo2', 'POST', '/networking/v1/external/policies', {
      policies: [pol(c, d, 9090), pol(c, a)],
    });
    assert.equal(create.status, 403);
    assert.equal(create.body.error.code, 'OSNET_ERR_PERMISSION');
    assert.equal(create.body.error.field, 'body.policies[1].destination.id');
    const del = await call('demo2', 'POST', '/networking/v1/external/policies/delete', {
      policies: [pol(a, b)],
    });
    assert.equal(del.status, 403);
    assert.equal(del.body.error.field, 'body.policies[0].source.id');
    assert.deepEqual(
      await list('admin'),
      before,
      'all or nothing: the valid first policy was not written either',
    );
  });

  it('admin manages any project; creating twice is a no-op, deleting a missing policy is not an error', async () => {
    const again = await call('demo', 'POST', '/networking/v1/external/policies', { policies: [pol(a, b)] });
    assert.equal(again.status, 200);
    assert.equal((await list('demo')).total_policies, 1);
    const v0 = { source: { id: a }, destination: { id: b, protocol: 'udp', port: 53 } };
    assert.equal(
      (await call('demo', 'POST', '/networking/v1/external/policies', { policies: [v0] })).status,
      200,
    );
    assert.deepEqual(
      (await list('demo', `?dest_id=${b}`)).policies.at(-1),
      pol(a, b, 53, 'udp'),
      'v0 port is start = end',
    );
    const del = await call('admin', 'POST', '/networking/v1/external/policies/delete', {
      policies: [pol(a, b), pol(a, b, 53, 'udp'), pol(a, b, 1)],
    });
    assert.equal(del.status, 200);
    assert.deepEqual((await list('demo')).policies, []);
  });

  it('every bad body is a 400 naming the field, and nothing is written', async () => {
    const before = await list('admin');
    const ok = pol(a, b, 1234);
    const cases: [unknown, string][] = [
      [{ policies: [ok, pol(a, b, 80, 'icmp')] }, 'body.policies[1].destination.protocol'],
      [
        {
          policies: [
            ok,
            { ...pol(a, b), destination: { id: b, protocol: 'tcp', ports: { start: 90, end: 80 } } },
          ],
        },
        'body.policies[1].destination.ports.start',
      ],
      [{ policies: [ok, pol(a, b, 0)] }, 'body.policies[1].destination.ports.start'],
      [{ policies: [ok, pol(a, b, 65536)] }, 'body.policies[1].destination.ports.start'],
      [{ policies: [ok, { source: { id: a } }] }, 'body.policies[1].destination'],
      [{ policies: [ok, { source: { id: '' }, destination: ok.destination }] }, 'body.policies[1].source.id'],
      [{ policies: [ok, { ...ok, extra: true }] }, 'body.policies[1].extra'],
      [
        { policies: [ok, { source: { id: a }, destination: { id: b, protocol: 'tcp' } }] },
        'body.policies[1].destination.ports',
      ],
      [
        { policies: [ok, { source: { id: a }, destination: { ...ok.destination, port: 80 } }] },
        'body.policies[1].destination.port',
      ],
      [
        {
          policies: [
            ok,
            { source: { id: a }, destination: { id: b, protocol: 'tcp', ports: { start: '80', end: 80 } } },
          ],
        },
        'body.policies[1].destination.ports.start',
      ],
      [{ policies: ok }, 'body.policies'],
      [{}, 'body.policies'],
      ['{"policies": [', 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await call('demo', 'POST', '/networking/v1/external/policies', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.field, field, JSON.stringify(r.body));
      assert.ok(r.body.error.message.includes(field), `the message names the field: ${r.body.error.message}`);
    }
    const q = await call('demo', 'GET', '/networking/v1/external/policies?id=a;b');
    assert.equal(q.status, 400);
    assert.equal(q.body.error.field, 'query.id');
    assert.deepEqual(await list('admin'), before);
  });

  it('an ETag answers 304 until the list changes; tokens are validated once, then cached', async () => {
    const calls = tokens.calls;
    const path = `/networking/v1/external/policies?id=${a}`;
    const first = await call('demo', 'GET', path);
    const etag = first.headers.get('etag')!;
    assert.equal((await call('demo', 'GET', path, undefined, { 'if-none-match': etag })).status, 304);
    assert.equal(
      (await call('demo2', 'GET', path, undefined, { 'if-none-match': etag })).status,
      200,
      "another project's view has another ETag",
    );
    await call('demo', 'POST', '/networking/v1/external/policies', { policies: [pol(a, b, 4444)] });
    assert.equal((await call('demo', 'GET', path, undefined, { 'if-none-match': etag })).status, 200);
    assert.equal(tokens.calls, calls, 'no Keystone call for tokens already validated');
  });
});
