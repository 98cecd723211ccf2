/**
 * The policy store's tables and their migrations. Tags are kept as integers (1..65535) so the next free one
 * is one `max()` away; the API sees them as 4 hex digits. A policy's key is all five columns (creating it
 * twice is a no-op); the key leads with `source`, a second index serves `destination` (`?id=` matches
 * either). One state row carries the version every change bumps in its own transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../store/index.ts';

export interface PolicyDB {
  policy_groups: { id: string; tag: number; project_id: string | null; created: string };
  policies: { source: string; destination: string; protocol: string; port_start: number; port_end: number };
  policy_state: { id: number; version: number; last_updated: string };
}

export const MIGRATION_TABLE = 'policy_migrations';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
async function tables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('policy_groups')
    .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('tag', 'integer', (c) => c.notNull().unique())
    .addColumn('project_id', 'varchar(255)')
    .addColumn('created', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('policy_groups_tag_range', sql`tag between 1 and 65535`)
    .execute();
  await db.schema.createIndex('policy_groups_project').on('policy_groups').column('project_id').execute();
  await db.schema
    .createTable('policies')
    .addColumn('source', 'varchar(255)', (c) => c.notNull().references('policy_groups.id'))
    .addColumn('destination', 'varchar(255)', (c) => c.notNull().references('policy_groups.id'))
    .addColumn('protocol', 'varchar(3)', (c) => c.notNull())
    .addColumn('port_start', 'integer', (c) => c.notNull())
    .addColumn('port_end', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('policies_pk', ['source', 'destination', 'protocol', 'port_start', 'port_end'])
    .addCheckConstraint('policies_protocol', sql`protocol in ('tcp', 'udp')`)
    .addCheckConstraint(
      'policies_ports',
      sql`1 <= port_start and port_start <= port_end and port_end <= 65535`,
    )
    .execute();
  await db.schema.createIndex('policies_destination').on('policies').column('destination').execute();
  await db.schema
    .createTable('policy_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('last_updated', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('policy_state_one_row', sql`id = 1`)
    .execute();
  await db
    .insertInto('policy_state')
    .values({ id: 1, version: 0, last_updated: new Date().toISOString() })
    .execute();
}

export const POLICY_MIGRATIONS: readonly Migration[] = [{ name: '0001_policy_tables', up: tables }];
