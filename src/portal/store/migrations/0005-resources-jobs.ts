/**
 * Migration 0005: the resource and job engine's tables. One `portal_resources` table holds every kind
 * (tenants, networks, … and the kinds of later issues), its kind-specific fields as JSON, so one engine and
 * one set of routes serve them all. `portal_jobs` is the durable queue every change runs through;
 * `portal_leases` lets one replica at a time run each schedule; `portal_pulls` records each kind's last
 * pull per tenant, so one kind's failure is visible on that kind without erring the tenant.
 */
import type { Kysely } from 'kysely';
import type { Migration } from '../../../store/index.ts';

export interface ResourceRow {
  uuid: string;
  /** The route word: `tenants`, `networks`, `subnets`, … */
  kind: string;
  /** The tenant the resource lives in; null for a tenant itself. */
  tenant_uuid: string | null;
  project_uuid: string;
  customer_uuid: string;
  provider_uuid: string;
  offering_uuid: string | null;
  /** A sub-resource's parent (a subnet's network). */
  parent_uuid: string | null;
  name: string;
  description: string;
  /** CREATION_SCHEDULED, CREATING, UPDATE_SCHEDULED, UPDATING, DELETION_SCHEDULED, DELETING, OK, ERRED. */
  state: string;
  /** OpenStack's own status word (ACTIVE, DOWN, …). */
  runtime_state: string;
  backend_id: string | null;
  error_message: string;
  /** The running or last action (`create`, `set_quotas`, …). */
  action: string;
  /** JSON object: the kind's fields as the API shows them. */
  fields: string;
  /** Secret-box sealed JSON object of secrets (a tenant user's password); never answered unless allowed. */
  secrets: string | null;
  /** When a pull first missed the object in OpenStack; removed after the grace period. */
  backend_missing_since: string | null;
  created: string;
  modified: string;
}

export interface JobRow {
  uuid: string;
  /** The resource changed; null for schedule runs. */
  resource_uuid: string | null;
  /** Provider the job talks to (the per-provider limit); null for schedule runs. */
  provider_uuid: string | null;
  kind: string;
  /** `create`, `update`, `delete`, `action`, `pull`, `pull_quotas`, `schedule`. */
  operation: string;
  /** PENDING, RUNNING, DONE, ERRED. */
  state: string;
  /** Runs started so far (a resumed run after a crash counts too). */
  attempt: number;
  run_after: string;
  lease_owner: string | null;
  lease_until: string | null;
  /** Last step reported by the backend (`report(step)`). */
  progress: string;
  /** JSON object: what the job needs (the resolved body, the acting user). */
  payload: string;
  error: string;
  created: string;
  modified: string;
}

export interface LeaseRow {
  name: string;
  owner: string;
  until: string;
}

export interface PullRow {
  tenant_uuid: string;
  kind: string;
  pulled: string | null;
  failed: string | null;
  error: string;
}

export interface EngineDB {
  portal_resources: ResourceRow;
  portal_jobs: JobRow;
  portal_leases: LeaseRow;
  portal_pulls: PullRow;
}

// biome-ignore lint/suspicious/noExplicitAny: a migration works on the schema, before any table type exists
type AnyDB = Kysely<any>;

const v32 = 'varchar(32)';

export const migration0005: Migration = {
  name: '0005_resources_jobs',
  async up(db: AnyDB) {
    await db.schema
      .createTable('portal_resources')
      .addColumn('uuid', v32, (c) => c.primaryKey())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('tenant_uuid', v32)
      .addColumn('project_uuid', v32, (c) => c.notNull().references('portal_projects.uuid'))
      .addColumn('customer_uuid', v32, (c) => c.notNull())
      .addColumn('provider_uuid', v32, (c) => c.notNull())
      .addColumn('offering_uuid', v32)
      .addColumn('parent_uuid', v32)
      .addColumn('name', 'varchar(255)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('runtime_state', 'varchar(64)', (c) => c.notNull())
      .addColumn('backend_id', 'varchar(255)')
      .addColumn('error_message', 'text', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('secrets', 'text')
      .addColumn('backend_missing_since', v32)
      .addColumn('created', v32, (c) => c.notNull())
      .addColumn('modified', v32, (c) => c.notNull())
      .execute();
    const idx = (name: string, cols: string[]) =>
      db.schema.createIndex(`portal_resources_${name}`).on('portal_resources').columns(cols).execute();
    await idx('kind_name', ['kind', 'name', 'uuid']);
    await idx('tenant', ['tenant_uuid', 'kind']);
    await idx('project', ['project_uuid', 'kind']);
    await idx('backend', ['provider_uuid', 'kind', 'backend_id']);
    await idx('state', ['state', 'modified']);

    await db.schema
      .createTable('portal_jobs')
      .addColumn('uuid', v32, (c) => c.primaryKey())
      .addColumn('resource_uuid', v32)
      .addColumn('provider_uuid', v32)
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('operation', 'varchar(64)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('run_after', v32, (c) => c.notNull())
      .addColumn('lease_owner', 'varchar(128)')
      .addColumn('lease_until', v32)
      .addColumn('progress', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('created', v32, (c) => c.notNull())
      .addColumn('modified', v32, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('portal_jobs_due')
      .on('portal_jobs')
      .columns(['state', 'run_after'])
      .execute();
    await db.schema
      .createIndex('portal_jobs_resource')
      .on('portal_jobs')
      .columns(['resource_uuid'])
      .execute();
    await db.schema.createIndex('portal_jobs_order').on('portal_jobs').columns(['created', 'uuid']).execute();

    await db.schema
      .createTable('portal_leases')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(128)', (c) => c.notNull())
      .addColumn('until', v32, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('portal_pulls')
      .addColumn('tenant_uuid', v32, (c) => c.notNull())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('pulled', v32)
      .addColumn('failed', v32)
      .addColumn('error', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('portal_pulls_pk', ['tenant_uuid', 'kind'])
      .execute();
  },
};
