/**
 * The daemon's Unix socket: HTTP/1.1 with JSON (src/cni/protocol.ts), only for peers whose uid the kernel
 * reports (SO_PEERCRED) in the allow-list (root by default). The socket is created 0660 (umask set around
 * listen, so it is never wider), its directory must not be writable by others, a stale socket (nobody
 * answers) is replaced and a live one is never taken over.
 *
 * Every refusal and failure is answered with a DaemonError body; garbage that is not HTTP gets one too.
 *
 * @example
 *   const srv = await listenCni({ path, allowUids: [0], handle: (route, body) => ... , log });
 *   await srv.close();
 */
import { lstat, mkdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { DaemonError } from '../cni/protocol.ts';
import { OsnetError, toOsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { redactText } from '../lib/redact.ts';
import { assertPeerUid } from './peercred.ts';

export const MAX_BODY = 256 * 1024;

export interface CniSocketOptions {
  path: string;
  allowUids: readonly number[];
  log: Logger;
  /** Answers one request (route without the leading slash, decoded JSON body or undefined). */
  handle(route: string, method: string, body: unknown): Promise<unknown>;
}

export interface CniSocket {
  close(): Promise<void>;
}

export function daemonError(err: unknown): { status: number; body: DaemonError } {
  const e = toOsnetError(err);
  const body: DaemonError = { code: e.code, message: redactText(e.message), cni: e.cniCode };
  if (e.field !== undefined) body.field = e.field;
  return { status: e.httpStatus, body };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Whether something accepts connections on the socket path. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function prepare(path: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const d = await stat(dir);
  if (d.mode & 0o002)
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${dir} is writable by everyone: refusing to put the socket there`,
      {
        field: '--socket',
      },
    );
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket())
    throw new OsnetError('OSNET_ERR_CONFIG', `${path} exists and is not a socket: refusing to replace it`, {
      field: '--socket',
    });
  if (await answers(path))
    throw new OsnetError('OSNET_ERR_SOCKET_IN_USE', `another daemon answers on ${path}: not taking it over`, {
      field: '--socket',
    });
  await rm(path, { force: true });
}

export async function listenCni(o: CniSocketOptions): Promise<CniSocket> {
  await prepare(o.path);
  const refused = new WeakMap<Socket, OsnetError>();
  const server = createServer({ requestTimeout: 120_000, headersTimeout: 10_000 }, (req, res) => {
    void serve(req, res);
  });
  server.on('connection', (socket: Socket) => {
    // Before any await: the fd is this peer's now
    try {
      assertPeerUid(socket, o.allowUids);
    } catch (e) {
      refused.set(socket, e instanceof OsnetError ? e : toOsnetError(e));
    }
  });
  server.on('clientError', (err, socket) => {
    if (!socket.writable) return socket.destroy();
    const e = new OsnetError('OSNET_ERR_DECODE', `not an HTTP request: ${(err as Error).message}`, {
      field: 'request',
    });
    const { status, body } = daemonError(e);
    const text = `${JSON.stringify(body)}\n`;
    socket.end(
      `HTTP/1.1 ${status} Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    );
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const denied = refused.get(req.socket);
      if (denied) {
        o.log.warn({ err: denied.message }, 'peer refused');
        throw denied;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_BODY)
          throw new OsnetError('OSNET_ERR_VALIDATION', `body is larger than ${MAX_BODY} bytes`, {
            field: 'body',
          });
        chunks.push(c);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (cause) {
          throw new OsnetError('OSNET_ERR_DECODE', `body is not JSON: ${(cause as Error).message}`, {
            field: 'body',
          });
        }
      }
      const route = (req.url ?? '/').split('?')[0]!.replace(/^\//, '');
      send(res, 200, await o.handle(route, req.method ?? 'GET', body));
    } catch (e) {
      const { status, body } = daemonError(e);
      if (!res.headersSent) send(res, status, body);
      else res.destroy();
    }
  }

  const mask = process.umask(0o117);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(mask);
  }
  o.log.info({ socket: o.path, allow_uids: o.allowUids }, 'CNI socket listening');
  return {
    async close() {
      // Requests in flight finish; idle keep-alive connections go now
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await rm(o.path, { force: true });
    },
  };
}
