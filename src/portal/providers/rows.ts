/**
 * The offerings table (migration 0004) as the portal reads it, merged into PortalDB here so the providers
 * capability owns its table type without editing the shared schema file.
 *
 * @example
 *   const row = await db.selectFrom('portal_offerings').selectAll().where('uuid', '=', id).executeTakeFirst();
 */

export const TENANT_TYPE = 'OpenStack.Tenant';
export const INSTANCE_TYPE = 'OpenStack.Instance';
export const VOLUME_TYPE = 'OpenStack.Volume';
export const OFFERING_TYPES = [TENANT_TYPE, INSTANCE_TYPE, VOLUME_TYPE] as const;

export interface OfferingRow {
  uuid: string;
  customer_uuid: string;
  /** A private offering's project (the tenant's). */
  project_uuid: string | null;
  /** A per-tenant offering's OpenStack.Tenant offering. */
  parent_uuid: string | null;
  /** The portal resource a per-tenant offering is for (the tenant's uuid). */
  scope_uuid: string | null;
  name: string;
  description: string;
  type: string;
  /** Waldur's offering states: Draft, Active, Paused, Archived. */
  state: string;
  shared: number;
  billable: number;
  /** Sealed JSON of the secret options ('' when none). */
  secret_options: string;
  /** JSON array: the keys set in secret_options (not secret). */
  secret_keys: string;
  /** JSON objects / array. */
  options: string;
  plugin_options: string;
  components: string;
  created: string;
  modified: string;
}

declare module '../store/schema.ts' {
  interface PortalDB {
    portal_offerings: OfferingRow;
  }
}
