/**
 * The seam between the portal's job engine (src/portal/jobs/, src/portal/resources/) and the OpenStack side
 * of each resource kind (src/portal/backend/<kind>.ts). The engine owns state (CREATION_SCHEDULED … OK /
 * ERRED), retries, leases and the database; a backend owns only OpenStack calls. Keeping them apart lets
 * one engine drive every kind (tenants, networking now; instances and volumes in later issues) and lets a
 * backend be tested against the lab without the engine.
 *
 * Rules every backend keeps:
 * - **Idempotent create.** A job may run a create again after a crash or a timeout whose request did reach
 *   OpenStack. `create` first looks for what an earlier attempt made, by the `marker` (the portal
 *   resource's uuid, stored where the backend can find it again: a Neutron tag `osnet-portal:<marker>`, a
 *   Keystone project's `osnet_portal` option, a name suffix), and returns it instead of making a second.
 * - **Delete is done when the object is gone**: a 404 is success.
 * - **One list per kind per tenant.** `list` pages through one collection filtered by project; never a call
 *   per resource (the seed's pull makes ~2N+1 calls per tenant).
 * - **Errors are the client core's** (src/openstack/client/errors.ts): their message and request id become
 *   the resource's `error_message`. A backend never swallows one.
 * - **No secrets in records.** A password a backend generates is returned in `secrets`, which the engine
 *   seals with the secret box before it is stored.
 */
import type { TSchema } from '@fastify/type-provider-typebox';
import type { Cloud } from '../../openstack/index.ts';

/** A provider's settings as the engine hands them to a backend (secrets already unsealed, in memory only). */
export interface ProviderSettings {
  /** Keystone URL, e.g. `http://127.0.0.1:5000/v3`. */
  backend_url: string;
  username: string;
  password: string;
  /** The admin project of `username`. */
  tenant_name: string;
  /** Keystone domain of the user, the admin project and the tenants' projects. */
  domain: string;
  /** Neutron network routers get their gateway on and floating IPs come from; empty: none. */
  external_network_id: string;
  verify_ssl: boolean;
  availability_zone: string;
  /** MTU of each tenant's internal network, 68–9000; 0: Neutron's default. */
  default_internal_network_mtu: number;
  storage_mode: 'fixed' | 'dynamic';
  access_url: string;
  /** Per-request timeout of every OpenStack call, seconds (seed: 60, configurable). */
  api_timeout: number;
  /** DNS servers of each tenant's internal subnet (Waldur's `dns_nameservers`); absent or empty: none. */
  dns_nameservers?: readonly string[] | undefined;
}

/** What a backend needs to act inside one tenant. */
export interface TenantScope {
  /** The provider's admin connection (admin role, project-scoped to `tenant_name`). */
  cloud: Cloud;
  provider: ProviderSettings;
  /** The tenant's Keystone project id (its `backend_id`). */
  projectId: string;
}

/** One OpenStack object as the portal stores it. */
export interface BackendRecord {
  backend_id: string;
  name: string;
  description: string;
  /**
   * Kind-specific fields exactly as the portal's API shows them (Waldur's names: a network's `mtu`,
   * `is_external`, `type`, `segmentation_id`; a subnet's `cidr`, `gateway_ip`, `allocation_pools`, …).
   * Plain JSON only.
   */
  fields: Record<string, unknown>;
  /** For a sub-resource, its parent's backend id (a subnet's network, a rule's security group). */
  parent_backend_id?: string | undefined;
  /** OpenStack's own status word (ACTIVE, DOWN, ERROR, …); the engine maps ERROR to ERRED. */
  runtime_state?: string | undefined;
  /**
   * The marker a create stored on the object (the portal resource's uuid), when it has one: a pull that
   * runs while that create's job is still in flight then matches the object to its resource instead of
   * importing it a second time.
   */
  marker?: string | undefined;
}

/** What a create may hand back besides the record: generated secrets, to be sealed by the engine. */
export interface CreateOutcome {
  record: BackendRecord;
  secrets?: Record<string, string> | undefined;
}

/**
 * The OpenStack side of one resource kind. `Spec` is the validated create body, `Patch` the validated
 * update body, both already resolved by the engine (portal uuids of related resources replaced by their
 * backend ids).
 */
export interface KindBackend<Spec = Record<string, unknown>, Patch = Record<string, unknown>> {
  /** Waldur's route word: `networks` serves `/api/openstack-networks/`. */
  readonly kind: string;
  list(scope: TenantScope): Promise<BackendRecord[]>;
  create(scope: TenantScope, spec: Spec, marker: string): Promise<CreateOutcome>;
  update?(scope: TenantScope, backendId: string, patch: Patch): Promise<BackendRecord>;
  delete(scope: TenantScope, backendId: string): Promise<void>;
  /**
   * `POST /api/openstack-<kind>/{uuid}/<action>/`. The body is validated by the action's schema; the answer
   * is the record after the action (the engine stores it), or undefined when the object did not change.
   */
  actions?: Readonly<
    Record<
      string,
      (
        scope: TenantScope,
        backendId: string,
        body: Record<string, unknown>,
      ) => Promise<BackendRecord | undefined>
    >
  >;
}

/** Progress of a long backend call, stored on its job (`progress`, a step name) so an operator sees it. */
export type ReportStep = (step: string) => Promise<void>;

/** The seed's quota names (Waldur side) with their values; -1 is unlimited. */
export type QuotaValues = Record<string, number>;

/** The validated body of `POST /api/openstack-tenants/`, resolved by the engine. */
export interface TenantSpec {
  name: string;
  description: string;
  /** Keystone project name to use; the backend makes it collision-safe (the marker decides on a clash). */
  project_name: string;
  /** CIDR of the tenant's internal subnet (Waldur's default 192.168.42.0/24). */
  subnet_cidr: string;
  /** Limits from the order (offering components mapped to quota names); absent: the offering's defaults. */
  quotas: QuotaValues;
  /** Don't connect the router to the provider's external network even when one is configured. */
  skip_connection_extnet: boolean;
  /** Name of the generated tenant user (a random password is generated, returned in `secrets.password`). */
  user_username: string;
}

/** The validated body of `PATCH /api/openstack-tenants/{uuid}/` (what Waldur lets a tenant change). */
export interface TenantPatch {
  name?: string | undefined;
  description?: string | undefined;
}

/**
 * The OpenStack side of a tenant: provider-level (it makes the project the other kinds live in). `create`
 * runs the whole order chain, each step idempotent by lookup, so a resumed job that runs it again makes
 * nothing twice; `delete` tears everything down in order and is done only when nothing is left.
 */
export interface TenantBackend {
  create(
    cloud: Cloud,
    provider: ProviderSettings,
    spec: TenantSpec,
    marker: string,
    report: ReportStep,
  ): Promise<CreateOutcome>;
  delete(scope: TenantScope, report: ReportStep): Promise<void>;
  /** Pushes every given quota to the service that owns it (Nova, Cinder, Neutron). */
  setQuotas(scope: TenantScope, quotas: QuotaValues): Promise<void>;
  /** Limits and usage of every mapped quota, read from each service's quota-usage API. */
  pullQuotas(scope: TenantScope): Promise<{ limits: QuotaValues; usage: QuotaValues }>;
  /** A new random password for the tenant user, returned for sealing. */
  changePassword(scope: TenantScope, username: string): Promise<{ password: string }>;
  /**
   * `PATCH /api/openstack-tenants/{uuid}/`: the new name and description of the tenant's project (Waldur's
   * update_tenant). A name another project of the domain has is made collision-safe as at create (the
   * marker's suffix); the answer is the project after the change.
   */
  update?(scope: TenantScope, patch: TenantPatch, marker: string): Promise<BackendRecord>;
  /** The tenant's project as it is now (name, description, enabled), for pulls. */
  get(scope: TenantScope): Promise<BackendRecord | undefined>;
}

/**
 * The TypeBox schemas of one kind, beside its backend: the engine registers routes from them, validates
 * requests with them and puts them in the OpenAPI document. References to other portal resources in a
 * body (a network's `tenant`, a port's `network`, a floating IP's `port`) are portal URLs or uuids; the
 * `refs` map names each such field and the kind it points to, so the engine resolves it (404 across
 * organisations, 400 naming the field) and hands the backend the backend id.
 */
export interface KindSchemas {
  /** Kind-specific fields of an answer (the common ones — uuid, url, state, … — are the engine's). */
  fields: TSchema;
  create: TSchema;
  patch?: TSchema | undefined;
  /** Action name → its body schema. */
  actions?: Readonly<Record<string, TSchema>> | undefined;
  /**
   * Body field → kind it refers to, e.g. `{ network: 'networks' }`. Per action too: `'set_gateway.network'`.
   * A dotted path below a body field reaches into it (through lists): `'rules.remote_group'` is each rule's
   * `remote_group` in a create body, `'set_rules.rules.remote_group'` the same in that action's body.
   */
  refs?: Readonly<Record<string, string>> | undefined;
  /**
   * Answer field path → kind whose backend ids it holds (`{ 'rules.remote_group': 'sgp' }`, through lists):
   * the engine shows each as that resource's portal URL, with `<field>_uuid` and `<field>_name` beside it
   * (Waldur's remote_group, remote_group_uuid, remote_group_name), or null where the tenant has no such
   * resource in the portal. The record stores the backend ids, as the backend gave them.
   */
  shows?: Readonly<Record<string, string>> | undefined;
  /**
   * Answer field path of objects holding a `backend_id` → the kind whose resource (in the same tenant) it
   * names, and which of that resource's fields to show in the object besides its `uuid`, `url`, `name` and
   * `description` (a network's `subnets`: Waldur's nested subnet with `cidr`, `gateway_ip`, …). An object
   * the portal has no resource for keeps its `backend_id` alone.
   */
  embeds?: Readonly<Record<string, { kind: string; fields: readonly string[] }>> | undefined;
  /** The kind whose resource this one lives under (a subnet's `networks`); absent: directly under a tenant. */
  parent?: string | undefined;
  /**
   * Checks a schema cannot say (a gateway inside the CIDR, `from_port <= to_port`), per body: `create`,
   * `patch` or an action's name. The engine runs it after the schema and before anything is written; it
   * throws `OsnetError('OSNET_ERR_VALIDATION', …, { field: 'body.gateway_ip' })`, so the 400 names the
   * field. Refs are still portal references here (not resolved). Backends run the same check again before
   * their first OpenStack call, so a body that skipped it fails the job before anything is made.
   */
  check?: Readonly<Record<string, (body: Record<string, unknown>) => void>> | undefined;
}
