/**
 * The per-tenant offerings (the seed's AUTOMATICALLY_CREATE_PRIVATE_OFFERING): once a tenant is created,
 * the job engine calls `createTenantOfferings`, which makes a private `OpenStack.Instance` ("Virtual
 * machine in <tenant>") and `OpenStack.Volume` ("Volume in <tenant>") offering in the tenant's project,
 * not billable (they are charged as part of the tenant), unless the provider's plugin_options say
 * `automatically_create_private_offering: false`. Idempotent: a second call finds them by (scope, type).
 *
 * @example
 *   await createTenantOfferings(store.db, { parentUuid, tenantUuid, tenantName, customerUuid, projectUuid });
 */
import type { Kysely } from 'kysely';
import { newUuid, now } from '../store/index.ts';
import type { PortalDB } from '../store/schema.ts';
import { INSTANCE_TYPE, type OfferingRow, TENANT_TYPE, VOLUME_TYPE } from './rows.ts';
import type { PluginOptions } from './schemas.ts';

export interface TenantOfferingsInput {
  /** The OpenStack.Tenant offering the tenant was ordered from. */
  parentUuid: string;
  tenantUuid: string;
  tenantName: string;
  /** The tenant's organisation and project (the offerings are theirs, private). */
  customerUuid: string;
  projectUuid: string;
}

/** The per-tenant offerings after the call (made now or earlier); empty when the provider turned them off. */
export async function createTenantOfferings(
  db: Kysely<PortalDB>,
  o: TenantOfferingsInput,
): Promise<OfferingRow[]> {
  return db.transaction().execute(async (trx) => {
    const parent = await trx
      .selectFrom('portal_offerings')
      .selectAll()
      .where('uuid', '=', o.parentUuid)
      .where('type', '=', TENANT_TYPE)
      .executeTakeFirstOrThrow();
    const plugin = JSON.parse(parent.plugin_options) as PluginOptions;
    if (plugin.automatically_create_private_offering === false) return [];
    const out: OfferingRow[] = [];
    for (const [type, name] of [
      [INSTANCE_TYPE, `Virtual machine in ${o.tenantName}`],
      [VOLUME_TYPE, `Volume in ${o.tenantName}`],
    ] as const) {
      const have = await trx
        .selectFrom('portal_offerings')
        .selectAll()
        .where('scope_uuid', '=', o.tenantUuid)
        .where('type', '=', type)
        .executeTakeFirst();
      if (have) {
        out.push(have);
        continue;
      }
      const at = now();
      const row: OfferingRow = {
        uuid: newUuid(),
        customer_uuid: o.customerUuid,
        project_uuid: o.projectUuid,
        parent_uuid: parent.uuid,
        scope_uuid: o.tenantUuid,
        name: name.slice(0, 150),
        description: '',
        type,
        state: 'Active',
        shared: 0,
        billable: 0,
        secret_options: '',
        secret_keys: '[]',
        options: '{}',
        plugin_options: '{}',
        components: '[]',
        created: at,
        modified: at,
      };
      await trx.insertInto('portal_offerings').values(row).execute();
      out.push(row);
    }
    return out;
  });
}
