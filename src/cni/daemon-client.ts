/**
 * The thin plugin's side of protocol.ts: one HTTP/1.1 POST with a JSON body per call over the daemon's
 * Unix socket, with node:net only (see callDaemon). Every failure is a
 * CniError: a daemon that cannot be reached is "try again later" (11), or `unreachableCode` when the
 * caller says otherwise (STATUS: 50); a non-2xx answer carries the daemon's own CNI code.
 *
 * @example
 *   const port = await callDaemon<AddResponse>('/var/run/openstack-cni/cni.sock', '/add', request);
 */
import { connect } from 'node:net';
import { CNI_ERR, CniError } from './errors.ts';
import type { DaemonError } from './protocol.ts';

export interface DaemonCallOptions {
  /** Longest the whole call may take, ms. */
  timeoutMs?: number;
  /** The code when the socket is missing, refuses or times out (default 11). */
  unreachableCode?: number;
}

/** A daemon that could not be reached (as opposed to one that answered with an error). */
export class DaemonUnreachable extends CniError {}

const DEFAULT_TIMEOUT_MS = 120_000;

function isDaemonError(v: unknown): v is DaemonError {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.message === 'string' && typeof o.cni === 'number' && Number.isInteger(o.cni);
}

function answerError(route: string, status: number, text: string): CniError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isDaemonError(body)) {
    const code = body.cni >= 1 ? body.cni : CNI_ERR.INTERNAL;
    return new CniError(code, `daemon ${route}: ${body.message}`, {
      ...(body.field === undefined ? {} : { field: body.field }),
      details: `${typeof body.code === 'string' ? body.code : 'daemon error'} (HTTP ${status})`,
    });
  }
  return new CniError(
    status >= 500 ? CNI_ERR.TRY_AGAIN_LATER : CNI_ERR.INTERNAL,
    `daemon ${route}: HTTP ${status} without an error body`,
    { details: text.slice(0, 200) },
  );
}

interface HttpAnswer {
  status: number;
  body: string;
}

/** Status and body of a whole HTTP/1.1 response (Content-Length, chunked, or up to the close). */
export function parseHttpResponse(raw: Buffer): HttpAnswer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = body.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!Number.isFinite(size)) return undefined;
      if (size === 0) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers.has('content-length')) {
    body = body.subarray(0, Number(headers.get('content-length')));
  }
  return { status: Number(m[1]), body: body.toString('utf8') };
}

/**
 * POSTs `body` to `route` on the daemon at `socketPath` and returns the decoded 2xx answer. HTTP/1.1 is
 * written by hand over node:net: loading node:http costs about 40 ms of CPU, more than the rest of the
 * plugin, on every pod's every verb.
 */
export function callDaemon<T>(
  socketPath: string,
  route: string,
  body: unknown,
  opts: DaemonCallOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unreachable = opts.unreachableCode ?? CNI_ERR.TRY_AGAIN_LATER;
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (err: CniError | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const sock = connect({ path: socketPath });
    const timer = setTimeout(
      () =>
        done(
          new DaemonUnreachable(unreachable, `daemon ${route}: no answer within ${timeoutMs} ms`, {
            details: socketPath,
          }),
        ),
      timeoutMs,
    );
    // the request is not half-closed: a server may treat an early FIN as the client going away
    sock.on('connect', () => {
      sock.write(
        Buffer.concat([
          Buffer.from(
            `POST ${route} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
            'latin1',
          ),
          payload,
        ]),
      );
    });
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => {
      const answer = parseHttpResponse(Buffer.concat(chunks));
      if (!answer) {
        return done(
          new DaemonUnreachable(
            unreachable,
            `daemon ${route}: the connection closed without a whole HTTP answer`,
            {
              details: socketPath,
            },
          ),
        );
      }
      if (answer.status < 200 || answer.status > 299)
        return done(answerError(route, answer.status, answer.body));
      try {
        done(undefined, JSON.parse(answer.body) as T);
      } catch (cause) {
        done(
          new CniError(CNI_ERR.DECODE, `daemon ${route}: the answer is not JSON`, {
            cause,
            details: answer.body.slice(0, 200),
          }),
        );
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT'
          ? `socket ${socketPath} does not exist (is openstack-port-daemon running?)`
          : err.code === 'ECONNREFUSED'
            ? `socket ${socketPath} refuses connections (is openstack-port-daemon running?)`
            : err.message;
      done(
        new DaemonUnreachable(unreachable, `daemon ${route}: ${why}`, { cause: err, field: 'socket_path' }),
      );
    });
  });
}
