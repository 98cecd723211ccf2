/**
 * Bodies that are not JSON (Glance image upload and download) against fake servers: a stream or Buffer
 * goes out with its content-type, an answer can come back as a stream without being buffered, and a
 * streamed upload is not sent twice.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { type FakeServer, fakeServer, json, readBody } from '../../testing/openstack/fake-server.ts';
import { TimeoutError } from './errors.ts';
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
const transport = new Transport({ timeoutMs: 2000, retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 } });
after(() => transport.close());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const image = Buffer.alloc(3 * 1024 * 1024 + 17, 7);

test('a streamed upload arrives whole with its content-type', async () => {
  const url = await fake(async (q, res) => {
    const b = await readBody(q);
    json(res, 204, {}, { 'x-sha': sha(b), 'x-ct': String(q.headers['content-type']) });
  });
  const chunks = async function* () {
    for (let i = 0; i < image.length; i += 65536) yield image.subarray(i, i + 65536);
  };
  const res = await transport.send({
    method: 'PUT',
    url,
    headers: { 'content-type': 'application/octet-stream' },
    body: Readable.from(chunks()),
    idempotent: true,
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('x-sha'), sha(image));
  assert.equal(res.headers.get('x-ct'), 'application/octet-stream');
});

test('a Buffer body is sent as is, and re-sent on a retry', async () => {
  const seen: string[] = [];
  const url = await fake(async (q, res, n) => {
    seen.push(sha(await readBody(q)));
    json(res, n === 1 ? 503 : 204, {});
  });
  const res = await transport.send({ method: 'PUT', url, headers: {}, body: image, idempotent: true });
  assert.equal(res.status, 204);
  assert.deepEqual(seen, [sha(image), sha(image)]);
});

test('a streamed upload that the service read is not retried after a 503', async () => {
  let hits = 0;
  const url = await fake(async (q, res) => {
    hits++;
    await readBody(q);
    json(res, 503, {});
  });
  const res = await transport.send({
    method: 'PUT',
    url,
    headers: { 'content-type': 'application/octet-stream' },
    body: Readable.from([image]),
    idempotent: true,
  });
  assert.equal(res.status, 503);
  assert.equal(hits, 1);
});

test('a download comes back as a stream before the service has finished sending', async () => {
  let finish: (() => void) | undefined;
  const url = await fake((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(image.subarray(0, 1024));
    // the rest only once the caller holds the stream: a buffering client would never get here
    finish = () => res.end(image.subarray(1024));
  });
  const res = await transport.send({ method: 'GET', url, headers: {}, idempotent: true, stream: true });
  assert.equal(res.status, 200);
  assert.ok(res.body instanceof Readable);
  assert.ok(finish, 'the answer started');
  finish();
  const parts: Buffer[] = [];
  for await (const c of res.body as Readable) parts.push(c as Buffer);
  assert.equal(sha(Buffer.concat(parts)), sha(image));
});

test('a streamed download that stalls fails with a TimeoutError on the stream', async () => {
  const url = await fake((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write('x'); // then nothing
  });
  const res = await transport.send({
    method: 'GET',
    url,
    headers: {},
    idempotent: true,
    stream: true,
    timeoutMs: 200,
  });
  await assert.rejects(
    (async () => {
      for await (const _ of res.body as Readable);
    })(),
    (e: Error) => e instanceof TimeoutError && /answer body stalled for 200 ms/.test(e.message),
  );
});

test('a non-2xx answer to a streamed request is parsed as usual (for the typed error)', async () => {
  const url = await fake((_q, res) => json(res, 404, { itemNotFound: { message: 'no image' } }));
  const res = await transport.send({ method: 'GET', url, headers: {}, idempotent: true, stream: true });
  assert.equal(res.status, 404);
  assert.deepEqual(res.body, { itemNotFound: { message: 'no image' } });
});
