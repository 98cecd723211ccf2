/**
 * Components of an `OpenStack.Tenant` offering (Waldur's TENANT_COMPONENTS with the seed's default limits):
 * cores, ram (MB) and, in fixed storage mode, storage (MB); in dynamic mode one `volume_type_<name>` (MB)
 * per Cinder volume type instead of storage. A provider may narrow `max_value` and `default_limit`; an
 * order's limits are checked against them and mapped to the tenant's quotas.
 *
 * @example
 *   const cs = tenantComponents('dynamic', ['lab-nfs']);
 *   componentQuotas({ cores: 4, ram: 8192, 'volume_type_lab-nfs': 10240 }, cs, 'body.limits');
 *   // { vcpu: 4, ram: 8192, 'gigabytes_lab-nfs': 10 }
 */
import { OsnetError } from '../../lib/errors.ts';
import type { QuotaValues } from '../backend/contract.ts';
import type { Component, ComponentLimits } from './schemas.ts';

const MB_PER_GB = 1024;
/** The seed's storage default (1 TiB in MB); each volume type of dynamic mode starts from it too. */
const STORAGE_DEFAULT = 1024 * 1024;
export const VOLUME_TYPE_PREFIX = 'volume_type_';

const limit = (
  type: string,
  name: string,
  unit: string,
  default_limit: number,
  factor: number,
  description: string,
): Component => ({
  type,
  name,
  description,
  measured_unit: unit,
  billing_type: 'limit',
  limit_period: 'month',
  min_value: 0,
  max_value: Math.max(default_limit, 0) * 10,
  default_limit,
  factor,
});

export function tenantComponents(
  mode: 'fixed' | 'dynamic',
  volumeTypes: readonly string[] = [],
  overrides: readonly ComponentLimits[] = [],
  field = 'body.components',
): Component[] {
  const cs = [
    limit('cores', 'Cores', 'cores', 20, 1, 'CPU cores'),
    limit('ram', 'RAM', 'MB', 51200, 1, 'Memory'),
    ...(mode === 'fixed'
      ? [limit('storage', 'Storage', 'MB', STORAGE_DEFAULT, MB_PER_GB, 'Block storage of every volume type')]
      : volumeTypes.map((t) =>
          limit(
            `${VOLUME_TYPE_PREFIX}${t}`,
            `Storage (${t})`,
            'MB',
            STORAGE_DEFAULT,
            MB_PER_GB,
            `Volume type ${t}`,
          ),
        )),
  ];
  for (const [i, o] of overrides.entries()) {
    const c = cs.find((x) => x.type === o.type);
    if (!c)
      throw new OsnetError('OSNET_ERR_VALIDATION', `${field}[${i}].type: not a component of this offering`, {
        field: `${field}[${i}].type`,
      });
    if (o.max_value !== undefined) c.max_value = o.max_value;
    if (o.default_limit !== undefined) c.default_limit = o.default_limit;
    if (c.default_limit > c.max_value)
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${field}[${i}].default_limit: above max_value ${c.max_value}`,
        {
          field: `${field}[${i}].default_limit`,
        },
      );
  }
  return cs;
}

/** Overrides kept from `old` components for those still offered (a mode switch drops the others). */
export function limitsOf(cs: readonly Component[]): ComponentLimits[] {
  return cs.map((c) => ({ type: c.type, max_value: c.max_value, default_limit: c.default_limit }));
}

/**
 * An order's limits (component type → amount; absent: the default) checked against the components and
 * mapped to the tenant's quota names: cores → vcpu, ram → ram, storage → storage (MB), volume_type_<t>
 * (MB) → gigabytes_<t> (GB, rounded up).
 */
export function componentQuotas(
  limits: Readonly<Record<string, number>>,
  components: readonly Component[],
  field: string,
): QuotaValues {
  for (const [type, v] of Object.entries(limits)) {
    const f = `${field}.${type}`;
    const c = components.find((x) => x.type === type);
    if (!c)
      throw new OsnetError('OSNET_ERR_VALIDATION', `${f}: not a component of the offering`, { field: f });
    if (!Number.isInteger(v) || v < c.min_value || v > c.max_value)
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${f}: must be an integer from ${c.min_value} to ${c.max_value} ${c.measured_unit}`,
        { field: f },
      );
  }
  const out: QuotaValues = {};
  for (const c of components) {
    const v = limits[c.type] ?? c.default_limit;
    if (c.type === 'cores') out.vcpu = v;
    else if (c.type === 'ram' || c.type === 'storage') out[c.type] = v;
    else if (c.type.startsWith(VOLUME_TYPE_PREFIX))
      out[`gigabytes_${c.type.slice(VOLUME_TYPE_PREFIX.length)}`] = Math.ceil(v / MB_PER_GB);
  }
  return out;
}

/**
 * Tenant quotas (set_quotas, an order's `quotas`) checked against the offering's components: vcpu within
 * cores, ram within ram, storage within storage (MB), gigabytes_<t> within volume_type_<t> (GB × 1024);
 * quotas no component covers (ports, networks, …) only need to be >= -1. -1 (unlimited) is refused for a
 * quota a component limits.
 */
export function checkQuotasAgainstComponents(
  quotas: QuotaValues,
  components: readonly Component[],
  field: string,
): void {
  const covering = (name: string): [Component | undefined, number] => {
    if (name === 'vcpu') return [components.find((c) => c.type === 'cores'), 1];
    if (name === 'ram' || name === 'storage') return [components.find((c) => c.type === name), 1];
    const t = /^gigabytes_(.+)$/.exec(name)?.[1];
    if (t !== undefined) return [components.find((c) => c.type === `${VOLUME_TYPE_PREFIX}${t}`), MB_PER_GB];
    return [undefined, 1];
  };
  for (const [name, v] of Object.entries(quotas)) {
    const [c, factor] = covering(name);
    if (!c) continue;
    const f = `${field}.${name}`;
    if (v < 0 || v * factor > c.max_value)
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${f}: the offering allows 0 to ${Math.floor(c.max_value / factor)} (component ${c.type})`,
        { field: f },
      );
  }
}
