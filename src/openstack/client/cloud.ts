/**
 * Entry point of the client core: one authenticated connection to one cloud. It loads the cloud's settings,
 * issues and renews the token, and hands out a ServiceClient per service from the catalog.
 *
 * @example
 *   const cloud = await openCloud({ cloud: 'lab-admin' });
 *   const net = await cloud.network();
 *   await cloud.close();
 */
import { type Logger, silentLogger } from '../../lib/log.ts';
import { endpointFor } from '../auth/catalog.ts';
import { identityBase, issueToken, type Token } from '../auth/token.ts';
import { TokenManager } from '../auth/token-manager.ts';
import { type LoadOptions, loadCloudConfig } from '../config/load.ts';
import type { CloudConfig } from '../config/types.ts';
import { parseServiceError } from '../http/errors.ts';
import { type RetryPolicy, Transport, type TransportResponse } from '../http/transport.ts';
import { ServiceClient } from './service-client.ts';

export interface OpenCloudOptions extends LoadOptions {
  /** Settings already loaded (skips clouds.yaml / environment). */
  config?: CloudConfig;
  logger?: Logger;
  retry?: Partial<RetryPolicy>;
}

/**
 * Neutron answers 409 with these types while a resource is still being released (ports of a network being
 * deleted, a subnet's last port going away): a short wait fixes them. Only idempotent calls are retried.
 */
export const NEUTRON_RETRIABLE_CONFLICTS = new Set([
  'NetworkInUse',
  'SubnetInUse',
  'SecurityGroupInUse',
  'RouterInUse',
]);

function neutronRetriable(res: TransportResponse): boolean {
  return res.status === 409 && NEUTRON_RETRIABLE_CONFLICTS.has(parseServiceError(res.body).type ?? '');
}

export class Cloud {
  readonly config: CloudConfig;
  readonly transport: Transport;
  readonly tokens: TokenManager;
  private readonly clients = new Map<string, ServiceClient>();

  constructor(config: CloudConfig, opts: { logger?: Logger; retry?: Partial<RetryPolicy> } = {}) {
    this.config = config;
    this.transport = new Transport({
      timeoutMs: config.timeoutMs,
      verify: config.verify,
      cacert: config.cacert,
      logger: opts.logger ?? silentLogger,
      ...(opts.retry ? { retry: opts.retry } : {}),
    });
    this.tokens = new TokenManager(() => issueToken(this.transport, this.config));
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
    const client = new ServiceClient(type, endpoint, this.transport, this.tokens, {
      ...(type === 'network' ? { retriable: neutronRetriable } : {}),
    });
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
    if (override) return override.endsWith('/') ? override : `${override}/`;
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
  const config = opts.config ?? (await loadCloudConfig(opts));
  return new Cloud(config, {
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
}
