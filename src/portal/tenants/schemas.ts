/**
 * Schemas of `/api/openstack-tenants/`. Field names are Waldur's (TenantSerializer: availability_zone,
 * internal_network_id, external_network_id, user_username, user_password, quotas, subnet_cidr;
 * TenantQuotaSerializer for set_quotas); a tenant is ordered with `service_settings` or `offering`, and
 * `project`. Quota names are the seed's mapping (docs/portal.md).
 */
import { Type } from '@fastify/type-provider-typebox';

const closed = { additionalProperties: false } as const;

export const QUOTA_NAMES = [
  'vcpu',
  'ram',
  'instances',
  'storage',
  'volumes',
  'snapshots',
  'security_group_count',
  'security_group_rule_count',
  'floating_ip_count',
  'network_count',
  'subnet_count',
  'port_count',
] as const;

const Limit = Type.Integer({ minimum: -1, description: '-1: unlimited' });

/** The seed's quotas, plus per volume type in dynamic storage mode (`gigabytes_<type>`). */
export const Quotas = Type.Object(Object.fromEntries(QUOTA_NAMES.map((n) => [n, Type.Optional(Limit)])), {
  additionalProperties: false,
  patternProperties: { '^(gigabytes|volumes|snapshots)_[A-Za-z0-9_.-]{1,64}$': Limit },
});

export const Quota = Type.Object({ name: Type.String(), limit: Type.Integer(), usage: Type.Number() });

export const TenantFields = Type.Object({
  availability_zone: Type.Optional(Type.String()),
  internal_network_id: Type.Optional(Type.String()),
  external_network_id: Type.Optional(Type.String()),
  user_username: Type.Optional(Type.String()),
  user_password: Type.Optional(Type.String({ description: 'shown only where the provider allows it' })),
  quotas: Type.Optional(Type.Array(Quota)),
  pulls: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Type.String(),
        pulled: Type.Union([Type.String(), Type.Null()]),
        failed: Type.Union([Type.String(), Type.Null()]),
        error: Type.String(),
      }),
      { description: "each kind's last pull: one kind's failure is shown here, never as the tenant's state" },
    ),
  ),
});

export const TenantCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\x00-\\x1f]+$' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    project: Type.String({ description: 'URL or uuid of the project' }),
    service_settings: Type.Optional(Type.String({ description: 'URL or uuid of the provider' })),
    offering: Type.Optional(Type.String({ description: 'URL or uuid of the OpenStack.Tenant offering' })),
    subnet_cidr: Type.Optional(
      Type.String({ pattern: '^(\\d{1,3}\\.){3}\\d{1,3}/(\\d|[12]\\d|3[0-2])$', default: '192.168.42.0/24' }),
    ),
    user_username: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.@+-]{1,64}$' })),
    availability_zone: Type.Optional(Type.String({ maxLength: 255 })),
    skip_connection_extnet: Type.Optional(Type.Boolean()),
    quotas: Type.Optional(Quotas),
  },
  closed,
);
export type TenantCreateBody = {
  name: string;
  description?: string;
  project: string;
  service_settings?: string;
  offering?: string;
  subnet_cidr?: string;
  user_username?: string;
  availability_zone?: string;
  skip_connection_extnet?: boolean;
  quotas?: Record<string, number>;
};

export const Empty = Type.Object({}, closed);

/**
 * What Waldur lets a PATCH of a tenant change: name and description (pushed to the Keystone project,
 * Waldur's TenantUpdateExecutor/update_tenant). The tenant's other fields are listed so a PATCH naming one
 * is a 400 saying it is read-only, not that the field is unknown: Waldur's read-only and protected fields
 * (project, service_settings, user_username, subnet_cidr, user_password, internal/external_network_id,
 * backend_id, error_message) and the rest of the answer; quotas change through `set_quotas`.
 */
export const TENANT_PATCHABLE = ['name', 'description'] as const;

export function tenantPatchSchema(answer: { properties: Record<string, unknown> }) {
  const readOnly = [...Object.keys(answer.properties), ...Object.keys(TenantCreateBody.properties)].filter(
    (k) => !(TENANT_PATCHABLE as readonly string[]).includes(k),
  );
  return Type.Object(
    {
      name: Type.Optional(TenantCreateBody.properties.name),
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      ...Object.fromEntries(
        [...new Set(readOnly)].map((k) => [
          k,
          Type.Optional(Type.Unknown({ description: 'read-only: a PATCH naming it is a 400' })),
        ]),
      ),
    },
    closed,
  );
}
