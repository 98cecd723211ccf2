/**
 * Tenant quotas: the seed's full mapping between the portal's names and each service's, pushed and pulled
 * both ways for every entry (the seed pushed only some: floating IPs, networks, subnets and ports were
 * pulled, never pushed). Usage comes from each service's own quota-usage call (Nova
 * `os-quota-sets/{id}/detail`, Cinder `?usage=true`, Neutron `quotas/{id}/details`), never from listing
 * resources. -1 is unlimited everywhere.
 *
 * Units: the portal's `storage` is MB (Waldur's), Cinder's `gigabytes` GB: pushed as ceil(MB / 1024),
 * pulled as GB × 1024. Per volume type (dynamic storage mode) `gigabytes_<type>` is GB on both sides.
 *
 * @example
 *   await pushQuotas(cloud, projectId, { vcpu: 8, storage: 10240, port_count: -1 });
 *   const { limits, usage } = await pullQuotas(cloud, projectId, 'dynamic');
 */
import { OsnetError } from '../../../lib/errors.ts';
import * as cinderQuotas from '../../../openstack/blockstorage/v3/quotasets/index.ts';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import { NotFoundError } from '../../../openstack/client/errors.ts';
import * as novaQuotas from '../../../openstack/compute/v2/quotasets/index.ts';
import { quotas as neutronQuotas } from '../../../openstack/networking/v2/index.ts';
import type { QuotaValues } from '../contract.ts';
import { optionalService } from './common.ts';

export type QuotaService = 'compute' | 'block-storage' | 'network';

export interface QuotaEntry {
  /** The portal's (Waldur's) quota name. */
  name: string;
  service: QuotaService;
  /** The service's own key. */
  key: string;
  /** Portal units per service unit (storage: 1024 MB per GB). */
  factor: number;
  /** The seed's default limit. */
  default: number;
}

/** The seed's mapping, in the seed's order, with its default limits. */
export const QUOTA_MAP: readonly QuotaEntry[] = [
  { name: 'vcpu', service: 'compute', key: 'cores', factor: 1, default: 20 },
  { name: 'ram', service: 'compute', key: 'ram', factor: 1, default: 51200 },
  { name: 'instances', service: 'compute', key: 'instances', factor: 1, default: 30 },
  { name: 'volumes', service: 'block-storage', key: 'volumes', factor: 1, default: 50 },
  { name: 'storage', service: 'block-storage', key: 'gigabytes', factor: 1024, default: 1024 * 1024 },
  { name: 'snapshots', service: 'block-storage', key: 'snapshots', factor: 1, default: 50 },
  { name: 'security_group_count', service: 'network', key: 'security_group', factor: 1, default: 100 },
  {
    name: 'security_group_rule_count',
    service: 'network',
    key: 'security_group_rule',
    factor: 1,
    default: 100,
  },
  { name: 'floating_ip_count', service: 'network', key: 'floatingip', factor: 1, default: 50 },
  { name: 'network_count', service: 'network', key: 'network', factor: 1, default: 10 },
  { name: 'subnet_count', service: 'network', key: 'subnet', factor: 1, default: 10 },
  { name: 'port_count', service: 'network', key: 'port', factor: 1, default: -1 },
];

/** Per volume type (dynamic storage mode): `gigabytes_<volume type name>`, GB. */
export const VOLUME_TYPE_QUOTA = /^gigabytes_(.+)$/;

/** The seed's default limits by portal name. */
export const DEFAULT_QUOTAS: QuotaValues = Object.fromEntries(QUOTA_MAP.map((e) => [e.name, e.default]));

/** The entry of a portal quota name (per-volume-type names included), or undefined. */
export function quotaEntry(name: string): QuotaEntry | undefined {
  const fixed = QUOTA_MAP.find((e) => e.name === name);
  if (fixed) return fixed;
  if (VOLUME_TYPE_QUOTA.test(name))
    return { name, service: 'block-storage', key: name, factor: 1, default: -1 };
  return undefined;
}

const toService = (v: number, factor: number) => (v < 0 ? -1 : Math.ceil(v / factor));
const fromService = (v: number, factor: number) => (v < 0 ? -1 : v * factor);

/**
 * Checks names and values (an integer >= -1, a known name; per-volume-type names only in dynamic mode and
 * only for `volumeTypes` when given) before anything is sent; the error names the field.
 */
export function checkQuotas(
  quotas: QuotaValues,
  o: { field: string; storageMode?: 'fixed' | 'dynamic'; volumeTypes?: readonly string[] },
): void {
  for (const [name, v] of Object.entries(quotas)) {
    const field = `${o.field}.${name}`;
    const bad = (why: string) => {
      throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${why}`, { field });
    };
    const e = quotaEntry(name);
    if (!e) bad('not a tenant quota');
    if (!Number.isInteger(v) || v < -1) bad('must be an integer >= -1 (-1: unlimited)');
    const type = VOLUME_TYPE_QUOTA.exec(name)?.[1];
    if (type !== undefined) {
      if (o.storageMode === 'fixed') bad('per-volume-type quotas need storage_mode dynamic');
      if (o.volumeTypes && !o.volumeTypes.includes(type)) bad(`no volume type "${type}"`);
    }
  }
}

/** The portal quotas split by service, in each service's keys and units. */
export function toServiceQuotas(quotas: QuotaValues): Record<QuotaService, Record<string, number>> {
  const out: Record<QuotaService, Record<string, number>> = { compute: {}, 'block-storage': {}, network: {} };
  for (const [name, v] of Object.entries(quotas)) {
    const e = quotaEntry(name);
    if (!e) throw new OsnetError('OSNET_ERR_VALIDATION', `quotas.${name}: not a tenant quota`);
    out[e.service][e.key] = toService(v, e.factor);
  }
  return out;
}

/** The quota services the cloud's catalog has (a Neutron-only cloud has no Nova and no Cinder). */
export async function quotaServices(cloud: Cloud): Promise<Set<QuotaService>> {
  const out = new Set<QuotaService>(['network']);
  for (const t of ['compute', 'block-storage'] as const) if (await optionalService(cloud, t)) out.add(t);
  return out;
}

/** The seed's defaults of the services the cloud has. */
export async function defaultQuotasOf(cloud: Cloud): Promise<QuotaValues> {
  const have = await quotaServices(cloud);
  return Object.fromEntries(QUOTA_MAP.filter((e) => have.has(e.service)).map((e) => [e.name, e.default]));
}

/**
 * Pushes every given quota to the service owning it (one update per service that has any). A quota of a
 * service the cloud does not have is refused, naming it, before anything is sent.
 */
export async function pushQuotas(cloud: Cloud, projectId: string, quotas: QuotaValues): Promise<void> {
  checkQuotas(quotas, { field: 'quotas' });
  const have = await quotaServices(cloud);
  for (const name of Object.keys(quotas)) {
    const e = quotaEntry(name)!;
    if (!have.has(e.service))
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `quotas.${name}: the provider has no ${e.service} service`,
        {
          field: `quotas.${name}`,
        },
      );
  }
  const by = toServiceQuotas(quotas);
  if (Object.keys(by.compute).length > 0)
    await novaQuotas.update(await cloud.service('compute'), projectId, by.compute);
  if (Object.keys(by['block-storage']).length > 0)
    await cinderQuotas.update(await cloud.service('block-storage'), projectId, by['block-storage']);
  if (Object.keys(by.network).length > 0)
    await neutronQuotas.update(await cloud.network(), projectId, by.network);
}

/** One service's answer as limit and usage per service key. */
type Usage = Record<string, { limit: number; used: number }>;

async function serviceUsage(cloud: Cloud, service: QuotaService, projectId: string): Promise<Usage> {
  const out: Usage = {};
  if (service !== 'network' && !(await optionalService(cloud, service))) return out;
  if (service === 'compute') {
    const d = await novaQuotas.getDetail(await cloud.service('compute'), projectId);
    for (const [k, v] of Object.entries(d))
      if (typeof v === 'object') out[k] = { limit: v.limit, used: v.in_use };
  } else if (service === 'block-storage') {
    const d = await cinderQuotas.getUsage(await cloud.service('block-storage'), projectId);
    for (const [k, v] of Object.entries(d))
      if (typeof v === 'object') out[k] = { limit: v.limit, used: v.in_use };
  } else {
    const d = await neutronQuotas.getDetails(await cloud.network(), projectId);
    for (const [k, v] of Object.entries(d)) out[k] = { limit: v.limit, used: v.used };
  }
  return out;
}

/**
 * Limits and usage of every mapped quota, three calls in all (one usage call per service; the quotas of a
 * service the cloud lacks are left out). In dynamic mode the per-volume-type `gigabytes_<type>` entries
 * Cinder reports come along.
 */
export async function pullQuotas(
  cloud: Cloud,
  projectId: string,
  storageMode: 'fixed' | 'dynamic' = 'fixed',
): Promise<{ limits: QuotaValues; usage: QuotaValues }> {
  const [compute, storage, network] = await Promise.all([
    serviceUsage(cloud, 'compute', projectId),
    serviceUsage(cloud, 'block-storage', projectId),
    serviceUsage(cloud, 'network', projectId),
  ]);
  const by: Record<QuotaService, Usage> = { compute, 'block-storage': storage, network };
  const limits: QuotaValues = {};
  const usage: QuotaValues = {};
  for (const e of QUOTA_MAP) {
    const u = by[e.service][e.key];
    if (!u) continue;
    limits[e.name] = fromService(u.limit, e.factor);
    usage[e.name] = u.used * e.factor;
  }
  if (storageMode === 'dynamic')
    for (const [k, u] of Object.entries(storage))
      if (VOLUME_TYPE_QUOTA.test(k)) {
        limits[k] = u.limit;
        usage[k] = u.used;
      }
  return { limits, usage };
}

/** Drops the project's own limits in every service (back to the defaults), so nothing stays after it. */
export async function resetQuotas(cloud: Cloud, projectId: string): Promise<void> {
  // a 404 is a project without rows of its own (already reset): nothing to drop
  const reset = (p: Promise<unknown>) =>
    p.catch((e: unknown) => {
      if (!(e instanceof NotFoundError)) throw e;
    });
  const nova = await optionalService(cloud, 'compute');
  if (nova) await reset(novaQuotas.reset(nova, projectId));
  const cinder = await optionalService(cloud, 'block-storage');
  if (cinder) await reset(cinderQuotas.reset(cinder, projectId));
  await reset(neutronQuotas.reset(await cloud.network(), projectId));
}
