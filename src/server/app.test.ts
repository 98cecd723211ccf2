import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Type } from '@fastify/type-provider-typebox';
import * as prom from 'prom-client';
import { OsnetError } from '../lib/errors.ts';
import { createLogger } from '../lib/log.ts';
import { type App, createApp } from './app.ts';

function withApp(lines: string[] = []): { app: App; metrics: prom.Registry } {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const metrics = new prom.Registry();
  const app = createApp({
    name: 'test',
    log: createLogger('server-test', { level: 'debug' }, sink),
    prom,
    metrics,
  });
  const Body = Type.Object(
    {
      items: Type.Array(
        Type.Object(
          { name: Type.String(), port: Type.Integer({ minimum: 1, maximum: 65535 }) },
          {
            additionalProperties: false,
          },
        ),
      ),
    },
    { additionalProperties: false },
  );
  app.post('/items', { schema: { body: Body } }, async (req) => ({ n: req.body.items.length }));
  app.get(
    '/q',
    { schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1 }) }) } },
    async (req) => ({
      limit: req.query.limit,
    }),
  );
  app.get('/osnet', async () => {
    throw new OsnetError('OSNET_ERR_PERMISSION', 'not yours', { field: 'id' });
  });
  app.get('/boom', async () => {
    throw new Error('SELECT secret FROM table at /srv/x.ts:12');
  });
  return { app, metrics };
}

test('a schema failure is a 400 naming the JSON path of the bad field, in body and query', async () => {
  const { app } = withApp();
  const cases: [string, string, unknown, string][] = [
    [
      'POST',
      '/items',
      {
        items: [
          { name: 'a', port: 1 },
          { name: 'b', port: 70000 },
        ],
      },
      'body.items[1].port',
    ],
    ['POST', '/items', { items: [{ name: 'a' }] }, 'body.items[0].port'],
    ['POST', '/items', { items: [{ name: 'a', port: 1, extra: 1 }] }, 'body.items[0].extra'],
    ['POST', '/items', { things: [] }, 'body.items'],
    ['GET', '/q?limit=zero', undefined, 'query.limit'],
  ];
  for (const [method, url, payload, field] of cases) {
    const res = await app.inject({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
    assert.equal(res.statusCode, 400, url);
    const body = res.json();
    assert.equal(body.error.code, 'OSNET_ERR_VALIDATION');
    assert.equal(body.error.field, field, JSON.stringify(body));
  }
  const ok = await app.inject({
    method: 'POST',
    url: '/items',
    payload: { items: [{ name: 'a', port: 8 }] },
  });
  assert.deepEqual(ok.json(), { n: 1 });
  await app.close();
});

test('bad JSON is a 400 on the body; unknown routes 404; OsnetError keeps its status; others 500 without detail', async () => {
  const { app } = withApp();
  const bad = await app.inject({
    method: 'POST',
    url: '/items',
    headers: { 'content-type': 'application/json' },
    payload: '{"items": [',
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.field, 'body');
  const nf = await app.inject({ method: 'GET', url: '/nope?x=1' });
  assert.equal(nf.statusCode, 404);
  assert.deepEqual(nf.json(), { error: { code: 'OSNET_ERR_NOT_FOUND', message: 'no route GET /nope' } });
  const perm = await app.inject({ method: 'GET', url: '/osnet' });
  assert.equal(perm.statusCode, 403);
  assert.deepEqual(perm.json(), {
    error: { code: 'OSNET_ERR_PERMISSION', message: 'not yours', field: 'id' },
  });
  const boom = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(boom.statusCode, 500);
  assert.equal(boom.json().error.code, 'OSNET_ERR_INTERNAL');
  assert.doesNotMatch(boom.body, /SELECT|\/srv|at /);
  await app.close();
});

test('requests are counted by route pattern and status, with latency; no header reaches the log', async () => {
  const lines: string[] = [];
  const { app, metrics } = withApp(lines);
  const secret = 'gAAAAA-token-value-1234567890';
  await app.inject({
    method: 'GET',
    url: '/q?limit=3',
    headers: { 'x-auth-token': secret, authorization: `Bearer ${secret}`, cookie: `s=${secret}` },
  });
  await app.inject({ method: 'GET', url: '/q?limit=x' });
  await app.inject({ method: 'GET', url: '/missing/abc' });
  const text = await metrics.metrics();
  assert.match(text, /osnet_http_requests_total\{server="test",route="\/q",method="GET",status="200"\} 1/);
  assert.match(text, /osnet_http_requests_total\{server="test",route="\/q",method="GET",status="400"\} 1/);
  assert.match(
    text,
    /osnet_http_requests_total\{server="test",route="unmatched",method="GET",status="404"\} 1/,
  );
  assert.match(text, /osnet_http_request_duration_seconds_count\{server="test",route="\/q",method="GET"\} 2/);
  assert.ok(
    lines.some((l) => l.includes('"route":"/q"')),
    'requests are logged at debug',
  );
  assert.ok(!lines.some((l) => l.includes(secret)), 'the token never reaches the log');
  await app.close();
});
