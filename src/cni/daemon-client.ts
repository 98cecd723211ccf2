/**
 * The thin plugin's side of protocol.ts: one HTTP/1.1 POST with a JSON body per call over the daemon's
 * Unix socket, with node:http only (undici would double the plugin's start time). Every failure is a
 * CniError: a daemon that cannot be reached is "try again later" (11), or `unreachableCode` when the
 * caller says otherwise (STATUS: 50); a non-2xx answer carries the daemon's own CNI code.
 *
 * @example
 *   const port = await callDaemon<AddResponse>('/var/run/openstack-cni/cni.sock', '/add', request);
 */
import { request } from 'node:http';
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

/** POSTs `body` to `route` on the daemon at `socketPath` and returns the decoded 2xx answer. */
export function callDaemon<T>(
  socketPath: string,
  route: string,
  body: unknown,
  opts: DaemonCallOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unreachable = opts.unreachableCode ?? CNI_ERR.TRY_AGAIN_LATER;
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: route,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          connection: 'close',
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (cause) =>
          reject(new DaemonUnreachable(unreachable, `daemon ${route}: ${cause.message}`, { cause })),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return reject(answerError(route, status, text));
          try {
            resolve(JSON.parse(text) as T);
          } catch (cause) {
            reject(
              new CniError(CNI_ERR.DECODE, `daemon ${route}: the answer is not JSON`, {
                cause,
                details: text.slice(0, 200),
              }),
            );
          }
        });
      },
    );
    req.on('timeout', () => {
      req.destroy(
        new DaemonUnreachable(unreachable, `daemon ${route}: no answer within ${timeoutMs} ms`, {
          details: socketPath,
        }),
      );
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof CniError) return reject(err);
      const why =
        err.code === 'ENOENT'
          ? `socket ${socketPath} does not exist (is openstack-port-daemon running?)`
          : err.code === 'ECONNREFUSED'
            ? `socket ${socketPath} refuses connections (is openstack-port-daemon running?)`
            : err.message;
      reject(
        new DaemonUnreachable(unreachable, `daemon ${route}: ${why}`, { cause: err, field: 'socket_path' }),
      );
    });
    req.end(payload);
  });
}
