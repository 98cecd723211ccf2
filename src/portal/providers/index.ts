/**
 * What the rest of the portal uses of the providers capability: the routes, and the calls the job engine
 * makes (settings of a provider, per-tenant offerings, quota checks against the offering, the volume type
 * sync). The tenant backend itself is backend/tenant/.
 *
 * @example
 *   const settings = await loadProviderSettings(store, secrets, offeringUuid);
 *   await createTenantOfferings(store.db, { parentUuid, tenantUuid, tenantName, customerUuid, projectUuid });
 */
export { componentQuotas, tenantComponents } from './components.ts';
export { checkTenantQuotas } from './quota-limits.ts';
export { registerProviderRoutes } from './routes.ts';
export { INSTANCE_TYPE, type OfferingRow, TENANT_TYPE, VOLUME_TYPE } from './rows.ts';
export { loadProviderSettings, type ProviderFlags, providerFlags } from './settings.ts';
export { createTenantOfferings, type TenantOfferingsInput } from './tenant-offerings.ts';
export { syncVolumeTypeComponents } from './volume-types.ts';
