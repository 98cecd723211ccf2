/**
 * The common part of every resource answer and list query (Waldur's field names, checked against
 * waldur-mastermind's BaseResourceSerializer: uuid, url, name, description, service_settings(_uuid),
 * project(_uuid, _name), customer(_uuid, _name), error_message, resource_type, state, created, modified,
 * backend_id, plus tenant, tenant_uuid, tenant_name on the kinds inside a tenant). `state` is the seed's
 * upper-case name, not Waldur's display text.
 */
import { type TObject, type TSchema, Type } from '@fastify/type-provider-typebox';
import { PageQuery } from '../api/pagination.ts';
import { STATES } from './states.ts';

const Uuid = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Time = Type.String({ format: 'date-time' });
const OrNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ResourceCommon = {
  uuid: Uuid,
  url: Type.String(),
  name: Type.String(),
  description: Type.String(),
  resource_type: Type.String({ description: 'OpenStack.Tenant, OpenStack.Network, …' }),
  state: Type.Union(STATES.map((s) => Type.Literal(s))),
  runtime_state: Type.String({ description: "OpenStack's own status (ACTIVE, DOWN, …)" }),
  backend_id: Type.String({ description: 'the OpenStack id; empty until created' }),
  error_message: Type.String(),
  action: Type.String({ description: 'the running or last operation' }),
  backend_missing_since: OrNull(Time),
  created: Time,
  modified: Time,
  tenant: OrNull(Type.String()),
  tenant_uuid: OrNull(Uuid),
  tenant_name: OrNull(Type.String()),
  project: Type.String(),
  project_uuid: Uuid,
  project_name: Type.String(),
  customer: Type.String(),
  customer_uuid: Uuid,
  customer_name: Type.String(),
  service_settings: Type.String(),
  service_settings_uuid: Uuid,
};

/** The answer of a kind: the common fields and the kind's own (from its KindSchemas.fields). */
export function resourceSchema(fields: TSchema | undefined, extra: Record<string, TSchema> = {}): TObject {
  const own = ((fields as TObject | undefined)?.properties ?? {}) as Record<string, TSchema>;
  // a kind's fields come from OpenStack: a resource not created yet (or imported by an older backend) has
  // none of them, so none is required in the answer
  const optional = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, Type.Optional(v)]));
  return Type.Object({ ...optional, ...extra, ...ResourceCommon });
}

export const ResourceQuery = Type.Object({
  ...PageQuery,
  name: Type.Optional(Type.String({ description: 'name contains (case-insensitive)' })),
  name_exact: Type.Optional(Type.String()),
  state: Type.Optional(Type.Union(STATES.map((s) => Type.Literal(s)))),
  tenant_uuid: Type.Optional(Uuid),
  project_uuid: Type.Optional(Uuid),
  customer_uuid: Type.Optional(Uuid),
  service_settings_uuid: Type.Optional(Uuid),
  backend_id: Type.Optional(Type.String()),
});
export type ResourceQuery = {
  name?: string;
  name_exact?: string;
  state?: string;
  tenant_uuid?: string;
  project_uuid?: string;
  customer_uuid?: string;
  service_settings_uuid?: string;
  backend_id?: string;
};

export const ScheduledAnswer = Type.Object({ detail: Type.String(), job: Uuid });

export const AnyBody = Type.Object({}, { additionalProperties: true });

/** Waldur's resource_type of each kind. */
export const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  tenants: 'OpenStack.Tenant',
  networks: 'OpenStack.Network',
  subnets: 'OpenStack.SubNet',
  routers: 'OpenStack.Router',
  ports: 'OpenStack.Port',
  'floating-ips': 'OpenStack.FloatingIP',
  sgp: 'OpenStack.SecurityGroup',
  'network-rbac-policies': 'OpenStack.NetworkRBACPolicy',
};
