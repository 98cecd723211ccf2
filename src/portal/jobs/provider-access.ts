/**
 * The engine's ProviderAccess over the providers capability (src/portal/providers/): a provider is an
 * `OpenStack.Tenant` offering; `service_settings` and `offering` in a tenant order both name one (Waldur's
 * service settings became the offering's settings). Connections are opened from the sealed settings
 * (loadProviderSettings, openProviderCloud) and kept per offering until the offering changes, so a job
 * does not log in to Keystone each time (the client core renews tokens itself).
 *
 * @example
 *   const providers = providerAccess(store, secrets, { credentialsVisible: false });
 */
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Cloud } from '../../openstack/index.ts';
import { openProviderCloud } from '../backend/provider-cloud.ts';
import { checkTenantQuotas } from '../providers/quota-limits.ts';
import { TENANT_TYPE } from '../providers/rows.ts';
import { loadProviderSettings, providerFlags } from '../providers/settings.ts';
import { createTenantOfferings } from '../providers/tenant-offerings.ts';
import { syncVolumeTypeComponents } from '../providers/volume-types.ts';
import type { PortalStore } from '../store/index.ts';
import type { ProviderAccess, ProviderConnection } from './engine.ts';

export interface ProviderAccessOptions {
  /**
   * Waldur's TENANT_CREDENTIALS_VISIBLE for every provider: show a tenant user's password to its owners and
   * managers (otherwise each provider's `plugin_options.tenant_credentials_visible` decides).
   */
  credentialsVisible?: boolean | undefined;
}

export function providerAccess(
  store: PortalStore,
  secrets: SecretBox | undefined,
  o: ProviderAccessOptions = {},
): ProviderAccess & { close(): Promise<void> } {
  const db = store.db;
  const open = new Map<string, { modified: string; conn: Promise<ProviderConnection> }>();
  const row = (uuid: string) =>
    db.selectFrom('portal_offerings').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  return {
    async connect(uuid) {
      const r = await row(uuid);
      const modified = r?.modified ?? '';
      const cached = open.get(uuid);
      if (cached && cached.modified === modified) return cached.conn;
      if (cached) void cached.conn.then((c) => c.cloud.close()).catch(() => undefined);
      const conn = (async () => {
        const settings = await loadProviderSettings(store, secrets, uuid);
        const cloud: Cloud = await openProviderCloud(settings);
        return { cloud, settings };
      })();
      open.set(uuid, { modified, conn });
      conn.catch(() => open.delete(uuid));
      return conn;
    },
    async resolve(ref) {
      const uuid = /([0-9a-f]{32})\/?$/.exec(ref.trim())?.[1];
      if (!uuid) return undefined;
      const r = await row(uuid);
      if (!r || r.type !== TENANT_TYPE) return undefined;
      return {
        provider_uuid: r.uuid,
        offering_uuid: r.uuid,
        customer_uuid: r.shared === 1 ? null : r.customer_uuid,
      };
    },
    async credentialsVisible(uuid) {
      if (o.credentialsVisible) return true;
      return (await providerFlags(store, uuid).catch(() => undefined))?.tenant_credentials_visible ?? false;
    },
    async list() {
      const rows = await db
        .selectFrom('portal_offerings')
        .select('uuid')
        .where('type', '=', TENANT_TYPE)
        .execute();
      return rows.map((r) => r.uuid);
    },
    async pullProperties(uuid) {
      const { cloud } = await this.connect(uuid);
      const types = await syncVolumeTypeComponents(store, secrets, uuid, cloud);
      return types ? `volume types: ${types.join(', ') || 'none'}` : 'fixed storage mode';
    },
    checkQuotas: (offering, quotas, field) => checkTenantQuotas(store, offering, quotas, field),
    async tenantCreated(t) {
      if (!t.offering_uuid) return;
      await createTenantOfferings(db, {
        parentUuid: t.offering_uuid,
        tenantUuid: t.uuid,
        tenantName: t.name,
        customerUuid: t.customer_uuid,
        projectUuid: t.project_uuid,
      });
    },
    async close() {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map((c) => c.conn.then((x) => x.cloud.close()).catch(() => undefined)));
    },
  };
}
