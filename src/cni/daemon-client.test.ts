/**
 * callDaemon's hand-written HTTP/1.1 against Node's real HTTP server on a Unix socket: answers with a
 * Content-Length and chunked ones, error bodies, a server that closes without answering, one that never
 * answers, and a socket that is not there.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callDaemon, DaemonUnreachable } from './daemon-client.ts';
import type { CniError } from './errors.ts';

describe('callDaemon', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osnet-dc-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function serve(handler: RequestListener): Promise<{ path: string; server: Server }> {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.sock`);
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(path, r));
    return { path, server };
  }

  it('posts JSON and reads a Content-Length answer and a chunked one', async () => {
    const seen: unknown[] = [];
    const { path, server } = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          type: req.headers['content-type'],
          body: JSON.parse(body),
        });
        if (req.url === '/chunked') {
          res.write('{"port_id":');
          res.write('"p1", "é": "ü"}');
          res.end();
        } else res.end(JSON.stringify({ ok: true }));
      });
    });
    try {
      assert.deepEqual(await callDaemon(path, '/add', { a: 1 }), { ok: true });
      assert.deepEqual(await callDaemon(path, '/chunked', { b: 'ß' }), { port_id: 'p1', é: 'ü' });
      assert.deepEqual(seen, [
        { method: 'POST', url: '/add', type: 'application/json', body: { a: 1 } },
        { method: 'POST', url: '/chunked', type: 'application/json', body: { b: 'ß' } },
      ]);
    } finally {
      server.close();
    }
  });

  it("an error answer keeps the daemon's CNI code; one without a body is 11 (5xx) or 100", async () => {
    const { path, server } = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/bare') {
          res.statusCode = 503;
          return res.end('busy');
        }
        res.statusCode = 400;
        res.end(
          JSON.stringify({ code: 'OSNET_ERR_VALIDATION', message: 'bad subnet', cni: 7, field: 'subnet_id' }),
        );
      });
    });
    try {
      await assert.rejects(callDaemon(path, '/add', {}), (e: CniError) => {
        assert.equal(e.code, 7);
        assert.equal(e.field, 'subnet_id');
        assert.match(e.message, /daemon \/add: bad subnet/);
        assert.match(e.details!, /OSNET_ERR_VALIDATION \(HTTP 400\)/);
        return true;
      });
      await assert.rejects(
        callDaemon(path, '/bare', {}),
        (e: CniError) => e.code === 11 && !(e instanceof DaemonUnreachable),
      );
    } finally {
      server.close();
    }
  });

  it('no socket, a server that hangs up, and one that never answers are DaemonUnreachable with the asked code', async () => {
    await assert.rejects(
      callDaemon(join(dir, 'none.sock'), '/status', {}, { unreachableCode: 50 }),
      (e: CniError) => {
        assert.ok(e instanceof DaemonUnreachable);
        assert.equal(e.code, 50);
        assert.match(e.message, /none\.sock does not exist/);
        return true;
      },
    );
    const hang = join(dir, 'hang.sock');
    const closer = join(dir, 'close.sock');
    const a = createNetServer(() => undefined);
    const b = createNetServer((s) => s.destroy());
    await new Promise<void>((r) => a.listen(hang, r));
    await new Promise<void>((r) => b.listen(closer, r));
    try {
      await assert.rejects(
        callDaemon(hang, '/add', {}, { timeoutMs: 200 }),
        (e: CniError) => e instanceof DaemonUnreachable && e.code === 11 && /within 200 ms/.test(e.message),
      );
      await assert.rejects(
        callDaemon(closer, '/add', {}),
        (e: CniError) => e instanceof DaemonUnreachable && e.code === 11,
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
