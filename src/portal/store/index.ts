/**
 * The portal's store: the shared store (src/store/) with the portal's migrations, in its own migration
 * table so it can share a database with other components.
 *
 * @example
 *   const store = await openPortalStore({ url: 'sqlite:/var/lib/osnet-portal/portal.db' });
 */
import type { Logger } from '../../lib/log.ts';
import { openStore, type Store } from '../../store/index.ts';
import '../../store/error-codes.ts';
import { MIGRATIONS, type PortalDB } from './schema.ts';

export type { PortalDB } from './schema.ts';
export type PortalStore = Store<PortalDB>;

export function openPortalStore(o: { url: string; field?: string; log?: Logger }): Promise<PortalStore> {
  return openStore<PortalDB>({
    url: o.url,
    migrations: MIGRATIONS,
    migrationTable: 'portal_migrations',
    ...(o.field ? { field: o.field } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
}

/** A new Waldur-style uuid: 32 hex digits. */
export function newUuid(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

export function now(): string {
  return new Date().toISOString();
}
