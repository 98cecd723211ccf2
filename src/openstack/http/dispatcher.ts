/**
 * The connection pool requests go through: undici keep-alive connections per origin, TLS settings (verify,
 * a CA bundle, a client certificate for mutual TLS) and the HTTP(S)_PROXY / NO_PROXY proxy rules. One
 * dispatcher may serve many Clouds (the portal holds one per tenant): create it here and pass it as
 * `dispatcher` to each.
 *
 * @example
 *   const pool = createDispatcher({ connections: 64, cacert: '/etc/ssl/cloud-ca.pem' });
 *   const a = await openCloud({ cloud: 'tenant-a', dispatcher: pool });
 */
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { OsnetError } from '../../lib/errors.ts';

/** Proxy URLs as openstacksdk (python-requests) takes them from HTTP_PROXY, HTTPS_PROXY and NO_PROXY. */
export interface ProxySettings {
  http?: string | undefined;
  https?: string | undefined;
  /** Comma-separated hosts (optionally :port), domain suffixes, or `*`, that are reached directly. */
  noProxy?: string | undefined;
}

export interface DispatcherOptions {
  /** false disables certificate checks. */
  verify?: boolean | undefined;
  /** PEM CA bundle path. */
  cacert?: string | undefined;
  /** PEM client certificate path (mutual TLS); may hold the key too. */
  cert?: string | undefined;
  /** PEM client key path, when not inside `cert`. */
  key?: string | undefined;
  /** Connections per origin (host:port); default 16. */
  connections?: number | undefined;
  /** Limit for opening one TCP/TLS connection; default 10 s. */
  connectTimeoutMs?: number | undefined;
  proxy?: ProxySettings | undefined;
}

export const DEFAULT_CONNECTIONS = 16;

export function createDispatcher(opts: DispatcherOptions = {}): Dispatcher {
  const connections = opts.connections ?? DEFAULT_CONNECTIONS;
  if (!Number.isInteger(connections) || connections < 1) {
    throw new OsnetError('OSNET_ERR_CONFIG', `connections must be a positive integer, got ${connections}`, {
      field: 'connections',
    });
  }
  if (opts.key && !opts.cert) {
    throw new OsnetError('OSNET_ERR_CONFIG', 'key is set without cert (the client certificate)', {
      field: 'cert',
    });
  }
  const ca = readPem(opts.cacert, 'cacert');
  const cert = readPem(opts.cert, 'cert');
  // like python-requests, a single cert file may carry the private key as well
  const key = opts.key ? readPem(opts.key, 'key') : cert;
  const tls = {
    rejectUnauthorized: opts.verify !== false,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert, key } : {}),
  };
  const agentOpts = {
    keepAliveTimeout: 30_000,
    connections,
    connect: { ...tls, timeout: opts.connectTimeoutMs ?? 10_000 },
  };
  const p = opts.proxy;
  if (p?.http || p?.https) {
    // explicit values (never process.env behind our back): '' means "no proxy" / "no exceptions"
    return new EnvHttpProxyAgent({
      ...agentOpts,
      httpProxy: p.http ?? '',
      // undici's rule: https endpoints use HTTPS_PROXY, else HTTP_PROXY
      httpsProxy: p.https ?? '',
      noProxy: p.noProxy ?? '',
      requestTls: tls,
    });
  }
  return new Agent(agentOpts);
}

function readPem(path: string | undefined, field: string): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new OsnetError('OSNET_ERR_CONFIG', `${field} ${path} cannot be read: ${(e as Error).message}`, {
      field,
    });
  }
}
