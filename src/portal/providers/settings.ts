/**
 * A provider's settings: sealed and unsealed, merged with the seed's defaults, and handed to the job engine
 * as the contract's ProviderSettings. The secret options are one sealed JSON value whose additional data is
 * the offering's uuid (moved to another row it no longer opens); nothing here logs or returns them.
 *
 * Defaults: tenant_name `admin`, domain `default`, verify_ssl true, availability_zone `nova`, storage_mode
 * fixed, api_timeout 60 s, MTU 0 (Neutron's own). A setting may be in `plugin_options` or, as the seed's
 * table puts access_url, verify_ssl and availability_zone, in `options`; plugin_options wins.
 *
 * @example
 *   const settings = await loadProviderSettings(store, secrets, offeringUuid);
 *   const cloud = await openProviderCloud(settings);
 */
import { OsnetError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { ProviderSettings } from '../backend/contract.ts';
import { DEFAULT_API_TIMEOUT } from '../backend/provider-cloud.ts';
import '../error-codes.ts';
import type { PortalStore } from '../store/index.ts';
import { type OfferingRow, TENANT_TYPE } from './rows.ts';
import type { Options, PluginOptions, SecretOptions } from './schemas.ts';

/** The secret options every provider needs, with the field a missing one is reported on. */
const REQUIRED = ['backend_url', 'username', 'password'] as const;

export function requireSecrets(s: SecretOptions, field: string): void {
  for (const k of REQUIRED)
    if (!s[k])
      throw new OsnetError('OSNET_ERR_VALIDATION', `${field}.${k}: required`, { field: `${field}.${k}` });
}

export function needBox(secrets: SecretBox | undefined): SecretBox {
  if (!secrets)
    throw new OsnetError(
      'OSNET_ERR_PORTAL_NO_SECRET_KEY',
      'the portal runs without a secret key: provider secrets cannot be sealed or opened',
    );
  return secrets;
}

export function sealSecrets(box: SecretBox, uuid: string, s: SecretOptions): string {
  return box.seal(JSON.stringify(s), uuid);
}

export function openSecrets(
  box: SecretBox,
  row: Pick<OfferingRow, 'uuid' | 'secret_options'>,
): SecretOptions {
  if (!row.secret_options) return {};
  return JSON.parse(box.open(row.secret_options, row.uuid)) as SecretOptions;
}

/** The keys set, for answers and events (never the values). */
export function secretKeys(s: SecretOptions): string[] {
  return Object.entries(s)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k]) => k)
    .sort();
}

export function resolveSettings(s: SecretOptions, plugin: PluginOptions, options: Options): ProviderSettings {
  const pick = <K extends 'access_url' | 'verify_ssl' | 'availability_zone'>(k: K) => plugin[k] ?? options[k];
  return {
    backend_url: s.backend_url ?? '',
    username: s.username ?? '',
    password: s.password ?? '',
    tenant_name: s.tenant_name ?? 'admin',
    domain: s.domain ?? 'default',
    external_network_id: s.external_network_id ?? '',
    verify_ssl: pick('verify_ssl') ?? true,
    availability_zone: pick('availability_zone') ?? 'nova',
    default_internal_network_mtu: plugin.default_internal_network_mtu ?? 0,
    storage_mode: plugin.storage_mode ?? 'fixed',
    access_url: pick('access_url') ?? '',
    api_timeout: plugin.api_timeout ?? DEFAULT_API_TIMEOUT,
    dns_nameservers: plugin.dns_nameservers ?? [],
  };
}

/** The settings of an offering's row; a per-tenant offering resolves to its provider's. */
export function rowSettings(box: SecretBox, row: OfferingRow): ProviderSettings {
  return resolveSettings(
    openSecrets(box, row),
    JSON.parse(row.plugin_options) as PluginOptions,
    JSON.parse(row.options) as Options,
  );
}

/**
 * The settings of the `OpenStack.Tenant` offering `offeringUuid` (or of the provider offering a per-tenant
 * offering belongs to), secrets unsealed, for the job engine. Throws OSNET_ERR_NOT_FOUND for no such
 * offering.
 */
export async function loadProviderSettings(
  store: PortalStore,
  secrets: SecretBox | undefined,
  offeringUuid: string,
): Promise<ProviderSettings> {
  const box = needBox(secrets);
  const get = (uuid: string) =>
    store.db.selectFrom('portal_offerings').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  let row = await get(offeringUuid);
  if (row && row.type !== TENANT_TYPE && row.parent_uuid) row = await get(row.parent_uuid);
  if (!row || row.type !== TENANT_TYPE)
    throw new OsnetError('OSNET_ERR_NOT_FOUND', `no OpenStack.Tenant offering ${offeringUuid}`);
  return rowSettings(box, row);
}

/** Portal-side switches of a provider (Waldur's global settings, per provider here). */
export interface ProviderFlags {
  /** Waldur's TENANT_CREDENTIALS_VISIBLE: a tenant's generated user and password shown to its project. */
  tenant_credentials_visible: boolean;
  /** Waldur's AUTOMATICALLY_CREATE_PRIVATE_OFFERING. */
  automatically_create_private_offering: boolean;
}

/** The flags of an OpenStack.Tenant offering (defaults: false, true, as Waldur's). */
export async function providerFlags(store: PortalStore, offeringUuid: string): Promise<ProviderFlags> {
  const row = await store.db
    .selectFrom('portal_offerings')
    .select('plugin_options')
    .where('uuid', '=', offeringUuid)
    .where('type', '=', TENANT_TYPE)
    .executeTakeFirst();
  if (!row) throw new OsnetError('OSNET_ERR_NOT_FOUND', `no OpenStack.Tenant offering ${offeringUuid}`);
  const p = JSON.parse(row.plugin_options) as PluginOptions;
  return {
    tenant_credentials_visible: p.tenant_credentials_visible ?? false,
    automatically_create_private_offering: p.automatically_create_private_offering ?? true,
  };
}
