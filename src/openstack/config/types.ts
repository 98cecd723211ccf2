/**
 * The resolved settings of one cloud: what clouds.yaml (plus secure.yaml) or the OS_* environment said.
 * The optional fields were added later; settings built by hand may leave them out.
 */
import type { ProxySettings } from '../http/dispatcher.ts';

export const AUTH_TYPES = ['password', 'v3applicationcredential', 'token'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export const INTERFACES = ['public', 'internal', 'admin'] as const;
export type EndpointInterface = (typeof INTERFACES)[number];

/** clouds.yaml `auth:` keys (openstacksdk names). */
export interface AuthSettings {
  auth_url: string;
  username?: string;
  user_id?: string;
  password?: string;
  user_domain_name?: string;
  user_domain_id?: string;
  project_name?: string;
  project_id?: string;
  project_domain_name?: string;
  project_domain_id?: string;
  /** Domain scope (when no project is named). */
  domain_name?: string;
  domain_id?: string;
  system_scope?: string;
  /** keystoneauth's fallback domain for the user and the project when neither names its own. */
  default_domain_id?: string;
  default_domain_name?: string;
  application_credential_id?: string;
  application_credential_name?: string;
  application_credential_secret?: string;
  token?: string;
}

export interface CloudConfig {
  /** The cloud's name in clouds.yaml; undefined when the settings came from OS_* variables. */
  name: string | undefined;
  /** Where the settings came from: a clouds.yaml path (plus secure.yaml), or "environment". */
  source: string;
  authType: AuthType;
  auth: AuthSettings;
  /** The region in use: `region_name`, else the first of `regions`. */
  regionName: string | undefined;
  /** clouds.yaml `regions` (names), empty when not given. */
  regions?: string[] | undefined;
  interface: EndpointInterface;
  /** TLS: false disables certificate checks (clouds.yaml `verify: false`, OS_INSECURE). */
  verify: boolean;
  /** PEM bundle path (clouds.yaml `cacert`, OS_CACERT). */
  cacert: string | undefined;
  /** Client certificate (PEM path) for mutual TLS to the APIs (clouds.yaml `cert`, OS_CERT). */
  cert?: string | undefined;
  /** Its private key when not inside `cert` (clouds.yaml `key`, OS_KEY). */
  key?: string | undefined;
  /** HTTP_PROXY / HTTPS_PROXY / NO_PROXY (or their lower-case forms) as the environment gave them. */
  proxy?: ProxySettings | undefined;
  /** Per-request timeout (clouds.yaml `api_timeout` in seconds, OS_API_TIMEOUT); default 60 s. */
  timeoutMs: number;
  /** `<service>_endpoint_override` keys, by service type (e.g. network → http://host:9696). */
  endpointOverrides: Record<string, string>;
}
