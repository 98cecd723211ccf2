/**
 * Where a service answers health, readiness and metrics: a unix socket (`unix:/run/x.sock` or just an
 * absolute path) or a TCP address (`127.0.0.1:9100`, `[::1]:9100`, `:9100` for loopback). Local by
 * default: these endpoints are for the node's supervisor and scraper, not for the network.
 *
 * @example
 *   parseListen('unix:/run/osnet-guest.sock'); // { path: '/run/osnet-guest.sock' }
 *   parseListen(':9100');                      // { host: '127.0.0.1', port: 9100 }
 */
import { OsnetError } from '../lib/errors.ts';

export type ListenAddress = { path: string } | { host: string; port: number };

export function parseListen(spec: string, field = '--listen'): ListenAddress {
  const bad = (why: string) =>
    new OsnetError('OSNET_ERR_CONFIG', `${field}: ${why} (got ${spec})`, { field });
  if (spec.startsWith('unix:') || spec.startsWith('/')) {
    const path = spec.replace(/^unix:/, '');
    if (!path.startsWith('/')) throw bad('a unix socket path must be absolute');
    // sun_path is 108 bytes with its terminating NUL
    if (Buffer.byteLength(path) > 107) throw bad('a unix socket path is at most 107 bytes');
    return { path };
  }
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(spec);
  if (!m) throw bad('must be unix:/path, HOST:PORT or :PORT');
  const port = Number(m[3]);
  if (port > 65535) throw bad('port must be 0-65535');
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function formatListen(a: ListenAddress): string {
  if ('path' in a) return `unix:${a.path}`;
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
