/**
 * Test support: small node:http servers on loopback standing in for a service, for faults a real Keystone or
 * Neutron cannot be made to produce on demand (a 503 after applying a write, a redirect elsewhere, a slow
 * answer). Tests only; nothing in a deployable imports this.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  port: number;
  /** Requests seen so far. */
  hits: number;
  close(): Promise<void>;
}

export async function fakeServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  port = 0,
): Promise<FakeServer> {
  const s: Server = createServer((req, res) => {
    fake.hits++;
    handler(req, res, fake.hits);
  });
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  const fake: FakeServer = {
    url: `http://127.0.0.1:${p}/`,
    port: p,
    hits: 0,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
  return fake;
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-openstack-request-id': 'req-x',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
