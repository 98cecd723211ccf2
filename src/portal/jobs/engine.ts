/**
 * What the engine's jobs and routes share: the store, how to reach a provider, the registered kinds with
 * their backends and schemas, the tenant backend, the secret box, and the runner to wake after a commit.
 *
 * Providers are reached through `ProviderAccess`, implemented over the providers' table and Keystone by
 * src/portal/providers/ (tests give a fake one): the engine never reads provider rows itself.
 */
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Cloud } from '../../openstack/index.ts';
import type { PortalDeps } from '../api/context.ts';
import type {
  KindBackend,
  KindSchemas,
  ProviderSettings,
  TenantBackend,
  TenantScope,
} from '../backend/contract.ts';
import type { ResourceRow } from '../store/schema.ts';

export interface ProviderConnection {
  cloud: Cloud;
  settings: ProviderSettings;
}

export interface OfferingRef {
  provider_uuid: string;
  offering_uuid: string | null;
  /** Default quotas of the offering (its components' limits), applied when an order gives none. */
  quotas?: Record<string, number> | undefined;
  /** The organisation the offering is restricted to, when it is not shared (null: any). */
  customer_uuid?: string | null | undefined;
}

export interface ProviderAccess {
  /** An admin connection to the provider, secrets unsealed in memory only. */
  connect(providerUuid: string): Promise<ProviderConnection>;
  /**
   * What a tenant order's `service_settings` or `offering` names (a URL or uuid); undefined when it names
   * nothing the portal knows.
   */
  resolve(ref: string, as: 'service_settings' | 'offering'): Promise<OfferingRef | undefined>;
  /** Whether a tenant's generated user password may be shown to those who may change the tenant. */
  credentialsVisible(providerUuid: string): Promise<boolean>;
  /** Checks an order's or set_quotas' quotas against the offering (400 naming `field`). */
  checkQuotas?(offeringUuid: string, quotas: Record<string, number>, field: string): Promise<void>;
  /** Every provider's uuid: the properties schedule visits each. */
  list?(): Promise<string[]>;
  /**
   * The properties pull of one provider (the seed's daily pull_service_properties): in dynamic storage
   * mode Cinder's volume types become the offering's components. Answers a one-line summary.
   */
  pullProperties?(providerUuid: string): Promise<string>;
  /** Called by a tenant's create job once its OpenStack side exists (the per-tenant offerings). */
  tenantCreated?(tenant: ResourceRow): Promise<void>;
}

export interface RegisteredKind {
  backend: KindBackend;
  schemas: KindSchemas;
}

export interface EngineDeps extends PortalDeps {
  providers: ProviderAccess;
  kinds: Map<string, RegisteredKind>;
  tenants: TenantBackend;
  secrets?: SecretBox | undefined;
  /** Called after a transaction queued jobs (wakes the local runner). */
  wake(): void;
  /** Pull grace period before a resource missing in OpenStack is removed, ms. */
  missingGraceMs: number;
}

/** The tenant scope of a resource: its provider's connection and its tenant's project. */
export async function scopeOf(d: EngineDeps, tenant: ResourceRow): Promise<TenantScope> {
  const c = await d.providers.connect(tenant.provider_uuid);
  if (!tenant.backend_id) throw new Error(`tenant ${tenant.uuid} has no OpenStack project yet`);
  return { cloud: c.cloud, provider: c.settings, projectId: tenant.backend_id };
}

export function parseFields(row: ResourceRow): Record<string, unknown> {
  return JSON.parse(row.fields) as Record<string, unknown>;
}
