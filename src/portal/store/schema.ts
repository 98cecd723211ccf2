/**
 * The portal's tables and migrations. Times are ISO-8601 UTC text (`toISOString`), so they sort and
 * compare the same on both stores; flags are 0/1 integers; ids are Waldur-style uuids (32 hex digits).
 * Roles: `customer_roles` (owner) and `project_roles` (manager, member), one row per user and object.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../../store/index.ts';
import { migration0004 } from './migrations/0004-offerings.ts';
import { type EngineDB, migration0005 } from './migrations/0005-resources-jobs.ts';
import { type CountsDB, migration0006 } from './migrations/0006-list-counts.ts';

export type { JobRow, LeaseRow, PullRow, ResourceRow } from './migrations/0005-resources-jobs.ts';

export interface UserRow {
  uuid: string;
  username: string;
  email: string;
  full_name: string;
  /** `scrypt$N$r$p$salt$hash` (identity/password.ts); empty: cannot log in with a password. */
  password: string;
  is_staff: number;
  is_active: number;
  created: string;
  modified: string;
}

export interface TokenRow {
  /** SHA-256 of the key, hex: the key itself is shown once and never stored. */
  digest: string;
  user_uuid: string;
  created: string;
  expires: string | null;
}

export interface CustomerRow {
  uuid: string;
  name: string;
  abbreviation: string;
  email: string;
  created: string;
  modified: string;
}

export interface ProjectRow {
  uuid: string;
  customer_uuid: string;
  name: string;
  description: string;
  created: string;
  modified: string;
}

export interface RoleRow {
  scope_uuid: string;
  user_uuid: string;
  role: string;
  created: string;
  created_by: string | null;
}

export interface EventRow {
  uuid: string;
  created: string;
  event_type: string;
  message: string;
  user_uuid: string | null;
  username: string | null;
  resource_type: string | null;
  resource_uuid: string | null;
  /** The organisation the resource belongs to: who may read the event. */
  customer_uuid: string | null;
  /** JSON object. */
  context: string;
}

export interface PortalDB extends EngineDB, CountsDB {
  portal_users: UserRow;
  portal_tokens: TokenRow;
  portal_customers: CustomerRow;
  portal_projects: ProjectRow;
  portal_customer_roles: RoleRow;
  portal_project_roles: RoleRow;
  portal_events: EventRow;
}

// biome-ignore lint/suspicious/noExplicitAny: a migration works on the schema, before any table type exists
type AnyDB = Kysely<any>;

async function roles(db: AnyDB, table: string, parent: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('scope_uuid', 'varchar(32)', (c) =>
      c.notNull().references(`${parent}.uuid`).onDelete('cascade'),
    )
    .addColumn('user_uuid', 'varchar(32)', (c) =>
      c.notNull().references('portal_users.uuid').onDelete('cascade'),
    )
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('created', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(32)')
    .addPrimaryKeyConstraint(`${table}_pk`, ['scope_uuid', 'user_uuid'])
    .execute();
  await db.schema.createIndex(`${table}_user`).on(table).column('user_uuid').execute();
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001_identity',
    async up(db) {
      await db.schema
        .createTable('portal_users')
        .addColumn('uuid', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('username', 'varchar(150)', (c) => c.notNull().unique())
        .addColumn('email', 'varchar(254)', (c) => c.notNull())
        .addColumn('full_name', 'varchar(150)', (c) => c.notNull())
        .addColumn('password', 'text', (c) => c.notNull())
        .addColumn('is_staff', 'integer', (c) => c.notNull())
        .addColumn('is_active', 'integer', (c) => c.notNull())
        .addColumn('created', 'varchar(32)', (c) => c.notNull())
        .addColumn('modified', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('portal_tokens')
        .addColumn('digest', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_uuid', 'varchar(32)', (c) =>
          c.notNull().references('portal_users.uuid').onDelete('cascade'),
        )
        .addColumn('created', 'varchar(32)', (c) => c.notNull())
        .addColumn('expires', 'varchar(32)')
        .execute();
      await db.schema
        .createTable('portal_customers')
        .addColumn('uuid', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(150)', (c) => c.notNull())
        .addColumn('abbreviation', 'varchar(12)', (c) => c.notNull())
        .addColumn('email', 'varchar(254)', (c) => c.notNull())
        .addColumn('created', 'varchar(32)', (c) => c.notNull())
        .addColumn('modified', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('portal_projects')
        .addColumn('uuid', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('customer_uuid', 'varchar(32)', (c) =>
          c.notNull().references('portal_customers.uuid').onDelete('cascade'),
        )
        .addColumn('name', 'varchar(150)', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created', 'varchar(32)', (c) => c.notNull())
        .addColumn('modified', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('portal_projects_customer')
        .on('portal_projects')
        .column('customer_uuid')
        .execute();
      await roles(db, 'portal_customer_roles', 'portal_customers');
      await roles(db, 'portal_project_roles', 'portal_projects');
    },
  },
  {
    name: '0002_events',
    async up(db) {
      await db.schema
        .createTable('portal_events')
        .addColumn('uuid', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('created', 'varchar(32)', (c) => c.notNull())
        .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('user_uuid', 'varchar(32)')
        .addColumn('username', 'varchar(150)')
        .addColumn('resource_type', 'varchar(64)')
        .addColumn('resource_uuid', 'varchar(32)')
        .addColumn('customer_uuid', 'varchar(32)')
        .addColumn('context', 'text', (c) => c.notNull())
        .execute();
      for (const col of ['created', 'resource_uuid', 'user_uuid', 'customer_uuid'])
        await db.schema.createIndex(`portal_events_${col}`).on('portal_events').column(col).execute();
    },
  },
  {
    // lists are ordered by name (organisations, projects) or newest first (events), then uuid: bench/portal-lists.ts
    name: '0003_list_order',
    async up(db) {
      await db.schema
        .createIndex('portal_customers_name')
        .on('portal_customers')
        .columns(['name', 'uuid'])
        .execute();
      await db.schema
        .createIndex('portal_projects_name')
        .on('portal_projects')
        .columns(['name', 'uuid'])
        .execute();
      await db.schema
        .createIndex('portal_events_order')
        .on('portal_events')
        .columns(['created', 'uuid'])
        .execute();
    },
  },
  migration0004,
  migration0005,
  migration0006,
];
