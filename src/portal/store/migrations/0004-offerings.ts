/**
 * Migration 0004: marketplace offerings (providers). An `OpenStack.Tenant` offering is an OpenStack cloud
 * registered by an organisation; `OpenStack.Instance` / `OpenStack.Volume` offerings are made per tenant
 * (`parent_uuid` the provider's offering, `scope_uuid` the tenant). `secret_options` is one sealed value
 * (src/lib/secret-box.ts, additional data: the row's uuid) and `secret_keys` the plain list of which keys
 * it holds, so lists never unseal. JSON columns are text on both stores.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../../../store/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: a migration works on the schema, before any table type exists
type AnyDB = Kysely<any>;

export const migration0004: Migration = {
  name: '0004_offerings',
  async up(db: AnyDB) {
    await db.schema
      .createTable('portal_offerings')
      .addColumn('uuid', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('customer_uuid', 'varchar(32)', (c) => c.notNull().references('portal_customers.uuid'))
      .addColumn('project_uuid', 'varchar(32)')
      .addColumn('parent_uuid', 'varchar(32)')
      .addColumn('scope_uuid', 'varchar(32)')
      .addColumn('name', 'varchar(150)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('type', 'varchar(64)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('shared', 'integer', (c) => c.notNull())
      .addColumn('billable', 'integer', (c) => c.notNull())
      .addColumn('secret_options', 'text', (c) => c.notNull())
      .addColumn('secret_keys', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('plugin_options', 'text', (c) => c.notNull())
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('created', 'varchar(32)', (c) => c.notNull())
      .addColumn('modified', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('portal_offerings_customer')
      .on('portal_offerings')
      .column('customer_uuid')
      .execute();
    await db.schema
      .createIndex('portal_offerings_name')
      .on('portal_offerings')
      .columns(['name', 'uuid'])
      .execute();
    await db.schema
      .createIndex('portal_offerings_scope')
      .on('portal_offerings')
      .columns(['scope_uuid', 'type'])
      .execute();
    await db.schema
      .createIndex('portal_offerings_parent')
      .on('portal_offerings')
      .column('parent_uuid')
      .execute();
  },
};
