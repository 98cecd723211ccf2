/**
 * A tiny server for protocol.ts on a Unix socket (tests only): routes are handlers taking the decoded
 * JSON body; a handler that throws a DaemonAnswer answers with its status and DaemonError body. Every
 * request is recorded in `calls`, so a test can assert what the thin plugin asked for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonError } from '../../cni/protocol.ts';

export type Handler = (body: Record<string, unknown>) => unknown | Promise<unknown>;

export class DaemonAnswer extends Error {
  readonly status: number;
  readonly body: DaemonError;
  constructor(status: number, body: DaemonError) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

export interface ProtocolServer {
  socketPath: string;
  calls: { route: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startProtocolServer(routes: Record<string, Handler>): Promise<ProtocolServer> {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-cni-daemon-'));
  const socketPath = join(dir, 'cni.sock');
  const calls: ProtocolServer['calls'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const route = req.url ?? '';
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // recorded as empty
      }
      calls.push({ route, body });
      const send = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      const h = routes[route];
      if (!h) return send(404, { code: 'OSNET_ERR_NOT_FOUND', message: `no route ${route}`, cni: 100 });
      try {
        send(200, await h(body));
      } catch (e) {
        if (e instanceof DaemonAnswer) return send(e.status, e.body);
        send(500, { code: 'OSNET_ERR_INTERNAL', message: (e as Error).message, cni: 100 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    calls,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
