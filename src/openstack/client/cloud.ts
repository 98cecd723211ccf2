/**
 * Entry point of the client core: one authenticated connection to one cloud. It loads the cloud's settings,
 * issues and renews the token, and hands out a ServiceClient per service from the catalog (or from a
 * `<service>_endpoint_override`, with the same API version rule as the catalog).
 *
 * @example
 *   const cloud = await openCloud({ cloud: 'lab-admin' });
 *   const net = await cloud.network();
 *   await cloud.close();
 */
import type { Dispatcher } from 'undici';
import { type Logger, silentLogger } from '../../lib/log.ts';
import { endpointFor, withVersion } from '../auth/catalog.ts';
import { identityBase, issueToken, type Token } from '../auth/token.ts';
import { TokenManager } from '../auth/token-manager.ts';
import { type LoadOptions, loadCloudConfig } from '../config/load.ts';
import type { CloudConfig } from '../config/types.ts';
import { type RetryPolicy, Transport } from '../http/transport.ts';
import { neutronRetriable } from '../networking/v2/retry.ts';
import { ServiceClient, type ServiceClientOptions } from './service-client.ts';

export interface CloudOptions {
  logger?: Logger | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /**
   * A connection pool shared with other Clouds (see http/dispatcher.ts createDispatcher), or undici's
   * MockAgent in tests. Its own TLS/proxy/connection settings apply; close() leaves it open.
   */
  dispatcher?: Dispatcher | undefined;
  /** Connections per host of the Cloud's own pool (default 16). */
  connections?: number | undefined;
  /** Most requests in flight at once per service type, e.g. `{ network: 8 }`. */
  concurrency?: Record<string, number> | undefined;
  /** Longest wait for a free connection or slot before a request fails as never sent (default: the timeout). */
  queueTimeoutMs?: number | undefined;
  /** The local clock tokens are timed with (tests inject a skewed one). */
  now?: (() => number) | undefined;
}

export interface OpenCloudOptions extends LoadOptions, CloudOptions {
  /** Settings already loaded (skips clouds.yaml / environment). */
  config?: CloudConfig;
}

/** Per-service rules the generic client needs to know: which answers each service wants retried. */
const SERVICE_OPTIONS: Record<string, ServiceClientOptions> = {
  network: { retriable: neutronRetriable },
};

export class Cloud {
  readonly config: CloudConfig;
  readonly transport: Transport;
  readonly tokens: TokenManager;
  private readonly clients = new Map<string, ServiceClient>();

  constructor(config: CloudConfig, opts: CloudOptions = {}) {
    this.config = config;
    this.transport = new Transport({
      timeoutMs: config.timeoutMs,
      verify: config.verify,
      cacert: config.cacert,
      cert: config.cert,
      key: config.key,
      proxy: config.proxy,
      logger: opts.logger ?? silentLogger,
      retry: opts.retry,
      dispatcher: opts.dispatcher,
      connections: opts.connections,
      concurrency: opts.concurrency,
      queueTimeoutMs: opts.queueTimeoutMs,
    });
    const now = opts.now;
    this.tokens = new TokenManager(
      () => issueToken(this.transport, this.config, now ? { now } : {}),
      now ? { now } : {},
    );
  }

  /** A valid token (issued on first use, renewed before expiry). */
  token(): Promise<Token> {
    return this.tokens.get();
  }

  /** The ServiceClient for a catalog service type (network, identity, compute, image, block-storage, ...). */
  async service(type: string): Promise<ServiceClient> {
    const have = this.clients.get(type);
    if (have) return have;
    const endpoint = await this.endpoint(type);
    const client = new ServiceClient(
      type,
      endpoint,
      this.transport,
      this.tokens,
      SERVICE_OPTIONS[type] ?? {},
    );
    this.clients.set(type, client);
    return client;
  }

  identity(): Promise<ServiceClient> {
    return this.service('identity');
  }

  network(): Promise<ServiceClient> {
    return this.service('network');
  }

  /** The endpoint URL the client uses for a type: an endpoint override, else the catalog entry. */
  async endpoint(type: string): Promise<string> {
    const override = this.config.endpointOverrides[type];
    // an override is a catalog URL given by hand: unversioned (http://host:9696) gets the same suffix
    if (override) return withVersion(override, type);
    const token = await this.tokens.get();
    if (type === 'identity' && !token.catalog.some((s) => s.type === 'identity')) {
      return identityBase(this.config.auth.auth_url);
    }
    return endpointFor(token.catalog, {
      type,
      interface: this.config.interface,
      region: this.config.regionName,
    });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

export async function openCloud(opts: OpenCloudOptions = {}): Promise<Cloud> {
  const { config, cloud, env, cwd, home, ...cloudOpts } = opts;
  const loaded =
    config ??
    (await loadCloudConfig({
      cloud,
      ...(env ? { env } : {}),
      ...(cwd ? { cwd } : {}),
      ...(home ? { home } : {}),
    }));
  return new Cloud(loaded, cloudOpts);
}
