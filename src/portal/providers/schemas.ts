/**
 * TypeBox schemas of `/api/marketplace-provider-offerings/`: Waldur's field names (`customer`, `type`,
 * `secret_options`, `options`, `plugin_options`, `components`) and the seed's provider settings. They
 * validate requests (a 400 names the field: `body.plugin_options.default_internal_network_mtu`), shape
 * answers (no `secret_options` in any answer: `secret_options_set` lists the keys that are set) and are
 * the OpenAPI document.
 */
import { type Static, Type } from '@fastify/type-provider-typebox';
import { PageQuery } from '../api/pagination.ts';
import { OFFERING_TYPES } from './rows.ts';

const closed = { additionalProperties: false } as const;
const Uuid = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Time = Type.String({ format: 'date-time' });
const Url = Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 });

export const SecretOptions = Type.Object(
  {
    backend_url: Type.Optional(Type.Union([Url], { description: 'Keystone v3 URL' })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    tenant_name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'default admin' })),
    domain: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'default "default"' })),
    external_network_id: Type.Optional(Type.String({ pattern: '^$|^[0-9a-fA-F-]{32,36}$' })),
    ipv4_external_ip_mapping: Type.Optional(
      Type.Array(
        Type.Object(
          {
            floating_ip: Type.String({ pattern: '^[0-9./]+$' }),
            external_ip: Type.String({ pattern: '^[0-9.]+$' }),
          },
          closed,
        ),
        { maxItems: 1000 },
      ),
    ),
  },
  closed,
);
export type SecretOptions = Static<typeof SecretOptions>;

/** The settings Waldur keeps out of secret_options (the seed puts some in `options`, some in `plugin_options`). */
const Settings = {
  access_url: Type.Optional(Type.Union([Url, Type.Literal('')])),
  verify_ssl: Type.Optional(Type.Boolean({ description: 'default true' })),
  availability_zone: Type.Optional(Type.String({ maxLength: 255, description: 'default nova' })),
};

export const PluginOptions = Type.Object(
  {
    ...Settings,
    default_internal_network_mtu: Type.Optional(Type.Integer({ minimum: 68, maximum: 9000 })),
    storage_mode: Type.Optional(Type.Union([Type.Literal('fixed'), Type.Literal('dynamic')])),
    api_timeout: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 600, description: 'seconds, default 60' }),
    ),
    dns_nameservers: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9a-fA-F:.]{2,45}$' }), {
        maxItems: 5,
        description: "DNS servers of each tenant's internal subnet",
      }),
    ),
    tenant_credentials_visible: Type.Optional(
      Type.Boolean({
        description: "tenants' generated user and password shown to their project (default false)",
      }),
    ),
    automatically_create_private_offering: Type.Optional(
      Type.Boolean({
        description: 'OpenStack.Instance and OpenStack.Volume offerings per tenant (default true)',
      }),
    ),
  },
  closed,
);
export type PluginOptions = Static<typeof PluginOptions>;

/** Waldur's order-form definition (`options`, `order`) plus the seed's `options` settings. */
export const Options = Type.Object(
  {
    ...Settings,
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    order: Type.Optional(Type.Array(Type.String())),
  },
  closed,
);
export type Options = Static<typeof Options>;

export const Component = Type.Object({
  type: Type.String(),
  name: Type.String(),
  description: Type.String(),
  measured_unit: Type.String(),
  billing_type: Type.String(),
  limit_period: Type.String(),
  min_value: Type.Integer(),
  max_value: Type.Integer(),
  default_limit: Type.Integer(),
  /** Portal units per the service's unit (ram and storage: 1024 MB per GB). */
  factor: Type.Integer(),
});
export type Component = Static<typeof Component>;

/** A provider may narrow the limits of a component it offers. */
export const ComponentLimits = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 150 }),
    max_value: Type.Optional(Type.Integer({ minimum: 0 })),
    default_limit: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  closed,
);
export type ComponentLimits = Static<typeof ComponentLimits>;

export const OfferingCreateBody = Type.Object(
  {
    customer: Type.String({ description: 'URL or uuid of the organisation' }),
    name: Type.String({ minLength: 1, maxLength: 150 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    type: Type.Literal('OpenStack.Tenant'),
    secret_options: SecretOptions,
    options: Type.Optional(Options),
    plugin_options: Type.Optional(PluginOptions),
    components: Type.Optional(Type.Array(ComponentLimits, { maxItems: 100 })),
    shared: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type OfferingCreateBody = Static<typeof OfferingCreateBody>;

export const OfferingPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 150 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    secret_options: Type.Optional(SecretOptions),
    options: Type.Optional(Options),
    plugin_options: Type.Optional(PluginOptions),
    components: Type.Optional(Type.Array(ComponentLimits, { maxItems: 100 })),
    shared: Type.Optional(Type.Boolean()),
    state: Type.Optional(
      Type.Union([Type.Literal('Active'), Type.Literal('Paused'), Type.Literal('Archived')]),
    ),
  },
  closed,
);
export type OfferingPatchBody = Static<typeof OfferingPatchBody>;

export const OfferingQuery = Type.Object({
  ...PageQuery,
  name: Type.Optional(Type.String()),
  type: Type.Optional(Type.Union(OFFERING_TYPES.map((t) => Type.Literal(t)))),
  customer_uuid: Type.Optional(Uuid),
  parent_uuid: Type.Optional(Uuid),
  scope_uuid: Type.Optional(Uuid),
});
export type OfferingQuery = Static<typeof OfferingQuery>;

export const ValidateQuery = Type.Object({
  validate: Type.Optional(
    Type.Boolean({ description: 'connect to the provider with the settings first (default true)' }),
  ),
});

const Nullable = <T extends import('@fastify/type-provider-typebox').TSchema>(t: T) =>
  Type.Union([t, Type.Null()]);

export const Offering = Type.Object({
  uuid: Uuid,
  url: Type.String(),
  name: Type.String(),
  description: Type.String(),
  type: Type.String(),
  state: Type.String(),
  customer: Type.String(),
  customer_uuid: Uuid,
  customer_name: Type.String(),
  project_uuid: Nullable(Uuid),
  parent_uuid: Nullable(Uuid),
  scope_uuid: Nullable(Uuid),
  shared: Type.Boolean(),
  billable: Type.Boolean(),
  secret_options_set: Type.Array(Type.String(), { description: 'which secret_options keys are set' }),
  options: Type.Record(Type.String(), Type.Unknown()),
  plugin_options: Type.Record(Type.String(), Type.Unknown()),
  components: Type.Array(Component),
  created: Time,
  modified: Time,
});
