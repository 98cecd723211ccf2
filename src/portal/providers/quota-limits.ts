/**
 * Tenant quotas checked against the offering the tenant was ordered from (for the engine's `set_quotas`
 * and orders): names and values (tenant/quotas.ts checkQuotas, per-volume-type names only in dynamic mode
 * and only for the offering's volume types), then each within its component's limit. Throws
 * OSNET_ERR_VALIDATION naming the field, before anything is sent.
 *
 * @example
 *   await checkTenantQuotas(store, offeringUuid, req.body, 'body');
 */
import { OsnetError } from '../../lib/errors.ts';
import type { QuotaValues } from '../backend/contract.ts';
import { checkQuotas } from '../backend/tenant/quotas.ts';
import type { PortalStore } from '../store/index.ts';
import { checkQuotasAgainstComponents, VOLUME_TYPE_PREFIX } from './components.ts';
import { TENANT_TYPE } from './rows.ts';
import type { Component, PluginOptions } from './schemas.ts';

export async function checkTenantQuotas(
  store: PortalStore,
  offeringUuid: string,
  quotas: QuotaValues,
  field: string,
): Promise<void> {
  const row = await store.db
    .selectFrom('portal_offerings')
    .select(['components', 'plugin_options'])
    .where('uuid', '=', offeringUuid)
    .where('type', '=', TENANT_TYPE)
    .executeTakeFirst();
  if (!row) throw new OsnetError('OSNET_ERR_NOT_FOUND', `no OpenStack.Tenant offering ${offeringUuid}`);
  const components = JSON.parse(row.components) as Component[];
  const storageMode = (JSON.parse(row.plugin_options) as PluginOptions).storage_mode ?? 'fixed';
  const volumeTypes = components
    .filter((c) => c.type.startsWith(VOLUME_TYPE_PREFIX))
    .map((c) => c.type.slice(VOLUME_TYPE_PREFIX.length));
  checkQuotas(quotas, { field, storageMode, volumeTypes });
  checkQuotasAgainstComponents(quotas, components, field);
}
