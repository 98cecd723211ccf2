/**
 * Dynamic storage mode's components kept in step with Cinder (the engine's daily properties pull calls
 * this): one `volume_type_<name>` component per volume type the provider's Cinder lists, limits the
 * provider narrowed kept for types still there, vanished types dropped. Fixed mode: nothing to do.
 *
 * @example
 *   const types = await syncVolumeTypeComponents(store, secrets, offeringUuid, cloud);
 */
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Cloud } from '../../openstack/index.ts';
import type { PortalStore } from '../store/index.ts';
import { now } from '../store/index.ts';
import { limitsOf, tenantComponents } from './components.ts';
import { listVolumeTypes } from './connection.ts';
import type { Component } from './schemas.ts';
import { loadProviderSettings } from './settings.ts';

/** The volume types now offered (undefined in fixed mode). */
export async function syncVolumeTypeComponents(
  store: PortalStore,
  secrets: SecretBox | undefined,
  offeringUuid: string,
  cloud: Cloud,
): Promise<string[] | undefined> {
  const settings = await loadProviderSettings(store, secrets, offeringUuid);
  if (settings.storage_mode !== 'dynamic') return undefined;
  const types = await listVolumeTypes(cloud);
  await store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('portal_offerings')
      .select('components')
      .where('uuid', '=', offeringUuid)
      .executeTakeFirstOrThrow();
    const offered = new Set(tenantComponents('dynamic', types).map((c) => c.type));
    const kept = limitsOf(JSON.parse(row.components) as Component[]).filter((l) => offered.has(l.type));
    await trx
      .updateTable('portal_offerings')
      .set({ components: JSON.stringify(tenantComponents('dynamic', types, kept)), modified: now() })
      .where('uuid', '=', offeringUuid)
      .execute();
  });
  return types;
}
