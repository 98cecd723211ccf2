/**
 * A provider's OpenStack connection, built from its settings alone (no clouds.yaml, no OS_* variables):
 * password auth as `username` in `domain`, scoped to the project `tenant_name` of the same domain,
 * `verify_ssl` (default true: the seed's implementation defaulted to false), a per-request timeout of
 * `api_timeout` seconds (default 60; the seed had none), and every endpoint but Keystone's from the catalog.
 *
 * The first token is issued here, within `api_timeout` overall (retries of a refused connection included),
 * so a wrong password or an unreachable Keystone is found at once and said in terms of the settings
 * (`secret_options.password`, `secret_options.backend_url`), never with the password in it.
 *
 * @example
 *   const cloud = await openProviderCloud(await loadProviderSettings(store, secrets, offeringUuid));
 *   const net = await cloud.network();
 *   await cloud.close();
 */
import { OsnetError } from '../../lib/errors.ts';
import { registerSecret } from '../../lib/redact.ts';
import { Cloud, type CloudOptions } from '../../openstack/client/cloud.ts';
import {
  OpenStackError,
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
} from '../../openstack/client/errors.ts';
import type { AuthSettings, CloudConfig } from '../../openstack/config/types.ts';
import '../error-codes.ts';
import type { ProviderSettings } from './contract.ts';

export const DEFAULT_API_TIMEOUT = 60;

/** The connection settings of a provider, as the client core takes them. */
export function providerCloudConfig(p: ProviderSettings, name = 'portal-provider'): CloudConfig {
  const domain = p.domain || 'default';
  // 'default' is the id of Keystone's Default domain; any other value is taken as a domain name
  const byId = domain === 'default';
  const auth: AuthSettings = {
    auth_url: p.backend_url,
    username: p.username,
    password: p.password,
    project_name: p.tenant_name,
    ...(byId
      ? { user_domain_id: domain, project_domain_id: domain }
      : { user_domain_name: domain, project_domain_name: domain }),
  };
  return {
    name,
    source: 'portal provider settings',
    authType: 'password',
    auth,
    regionName: undefined,
    interface: 'public',
    verify: p.verify_ssl,
    cacert: undefined,
    timeoutMs: (p.api_timeout || DEFAULT_API_TIMEOUT) * 1000,
    endpointOverrides: {},
  };
}

function authFailed(p: ProviderSettings, cause: unknown): OsnetError {
  return new OsnetError(
    'OSNET_ERR_PORTAL_PROVIDER_AUTH',
    `Keystone at ${p.backend_url} refused user "${p.username}" of domain "${p.domain}" for project ` +
      `"${p.tenant_name}": check secret_options.password (and username, tenant_name, domain)`,
    { field: 'secret_options.password', cause },
  );
}

function unreachable(p: ProviderSettings, why: string, cause?: unknown): OsnetError {
  return new OsnetError(
    'OSNET_ERR_PORTAL_PROVIDER_UNREACHABLE',
    `Keystone at ${p.backend_url} (secret_options.backend_url): ${why}`,
    { field: 'secret_options.backend_url', cause },
  );
}

/**
 * Opens the provider's Cloud and issues its first token. Throws OSNET_ERR_PORTAL_PROVIDER_AUTH (401 from
 * Keystone) or OSNET_ERR_PORTAL_PROVIDER_UNREACHABLE (no answer within `api_timeout`, refused, not
 * Keystone); the Cloud is closed again on failure.
 */
export async function openProviderCloud(p: ProviderSettings, opts: CloudOptions = {}): Promise<Cloud> {
  registerSecret(p.password);
  const cloud = new Cloud(providerCloudConfig(p), opts);
  const limitMs = (p.api_timeout || DEFAULT_API_TIMEOUT) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const first = cloud.token();
  first.catch(() => undefined); // it may settle after the deadline, once the Cloud is closed
  try {
    await Promise.race([
      first,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(unreachable(p, `no token within api_timeout (${limitMs / 1000} s)`)),
          limitMs,
        );
      }),
    ]);
    return cloud;
  } catch (e) {
    await cloud.close().catch(() => undefined);
    if (e instanceof UnauthorizedError) throw authFailed(p, e);
    if (e instanceof TimeoutError)
      throw unreachable(p, `no answer within api_timeout (${limitMs / 1000} s)`, e);
    if (e instanceof ServiceUnavailableError) throw unreachable(p, e.message, e);
    if (e instanceof OpenStackError) throw unreachable(p, `not a Keystone v3 answer: ${e.message}`, e);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
