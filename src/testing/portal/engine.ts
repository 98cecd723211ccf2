/**
 * Test tooling for the job engine: a portal store with one organisation and project, the engine started
 * over the fakes (fake-backend.ts) with test-sized timings, and helpers to put resources in the store
 * and wait for jobs.
 *
 * @example
 *   const f = await engineFixture(ctx.url);
 *   const t = await f.tenant();                       // an OK tenant with a fake project
 *   const n = await f.order('networks', t, { name: 'n1' });
 *   await f.settled(n.uuid);
 *   await f.close();
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../lib/log.ts';
import { secretBox } from '../../lib/secret-box.ts';
import type { KindSchemas } from '../../portal/backend/contract.ts';
import { type Engine, type EngineOptions, startEngine } from '../../portal/jobs/index.ts';
import { enqueue } from '../../portal/jobs/queue.ts';
import { scheduledState } from '../../portal/resources/states.ts';
import { newUuid, now, openPortalStore, type PortalStore } from '../../portal/store/index.ts';
import type { JobRow, ResourceRow } from '../../portal/store/schema.ts';
import { FakeCloud, fakeKindBackend, fakeProviders, fakeTenantBackend } from './fake-backend.ts';

export interface EngineFixture {
  store: PortalStore;
  cloud: FakeCloud;
  engine: Engine;
  provider: string;
  customer: string;
  project: string;
  /** An OK tenant whose fake project exists. */
  tenant(name?: string): Promise<ResourceRow>;
  /** A resource row in CREATION_SCHEDULED with its create job queued, as the routes do it. */
  order(
    kind: string,
    tenant: ResourceRow,
    spec: Record<string, unknown>,
    parent?: ResourceRow,
  ): Promise<ResourceRow>;
  /** Queues `operation` of an existing resource, in its scheduled state. */
  queue(r: ResourceRow, operation: string, payload?: Record<string, unknown>): Promise<JobRow>;
  row(uuid: string): Promise<ResourceRow | undefined>;
  jobs(resource: string): Promise<JobRow[]>;
  /** Waits until `pred` holds (checked every 20 ms, up to `ms`). */
  until(what: string, pred: () => Promise<boolean>, ms?: number): Promise<void>;
  /** Waits until the resource has no queued or running job. */
  settled(uuid: string): Promise<ResourceRow | undefined>;
  close(): Promise<void>;
}

export const FAKE_SCHEMAS: KindSchemas = {
  fields: {} as KindSchemas['fields'],
  create: {} as KindSchemas['create'],
};

export async function engineFixture(
  url: string,
  o: Partial<Omit<EngineOptions, 'store' | 'log' | 'providers' | 'tenants' | 'kinds'>> & {
    cloud?: FakeCloud;
    store?: PortalStore;
    /** The fake provider's uuid (default: a new one). */
    provider?: string;
  } = {},
): Promise<EngineFixture> {
  const store = o.store ?? (await openPortalStore({ url }));
  const cloud = o.cloud ?? new FakeCloud();
  const provider = o.provider ?? newUuid();
  const at = now();
  const customer = newUuid();
  const project = newUuid();
  await store.db
    .insertInto('portal_customers')
    .values({
      uuid: customer,
      name: `org-${customer.slice(0, 6)}`,
      abbreviation: '',
      email: '',
      created: at,
      modified: at,
    })
    .execute();
  await store.db
    .insertInto('portal_projects')
    .values({ uuid: project, customer_uuid: customer, name: 'p', description: '', created: at, modified: at })
    .execute();
  const kinds = new Map([
    ['networks', { backend: fakeKindBackend(cloud, 'networks'), schemas: FAKE_SCHEMAS }],
    [
      'subnets',
      {
        backend: fakeKindBackend(cloud, 'subnets', { parentField: 'network' }),
        schemas: { ...FAKE_SCHEMAS, parent: 'networks' },
      },
    ],
  ]);
  const engine = startEngine({
    store,
    log: silentLogger,
    providers: fakeProviders([provider]),
    tenants: fakeTenantBackend(cloud),
    kinds,
    secrets: secretBox(Buffer.alloc(32, 7)),
    schedules: false,
    missingGraceMs: 1000,
    ...o,
    runner: { pollMs: 20, leaseMs: 600, backoff: { baseMs: 20, maxMs: 100 }, maxAttempts: 4, ...o.runner },
  });
  const row = (uuid: string) =>
    store.db.selectFrom('portal_resources').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  const base = (kind: string, name: string, tenant: string | null): ResourceRow => ({
    uuid: newUuid(),
    kind,
    tenant_uuid: tenant,
    project_uuid: project,
    customer_uuid: customer,
    provider_uuid: provider,
    offering_uuid: null,
    parent_uuid: null,
    name,
    description: '',
    state: 'OK',
    runtime_state: '',
    backend_id: null,
    error_message: '',
    action: '',
    fields: '{}',
    secrets: null,
    backend_missing_since: null,
    created: now(),
    modified: now(),
  });
  const f: EngineFixture = {
    store,
    cloud,
    engine,
    provider,
    customer,
    project,
    async tenant(name = 't') {
      const pid = `project-${newUuid().slice(0, 8)}`;
      const t = { ...base('tenants', name, null), backend_id: pid };
      cloud.projects.set(pid, { name, description: '', marker: t.uuid, quotas: {} });
      await store.db.insertInto('portal_resources').values(t).execute();
      return t;
    },
    async order(kind, tenant, spec, parent) {
      const r = {
        ...base(kind, String(spec.name ?? ''), tenant.uuid),
        state: 'CREATION_SCHEDULED',
        action: 'create',
        parent_uuid: parent?.uuid ?? null,
      };
      await store.db.transaction().execute(async (trx) => {
        await trx.insertInto('portal_resources').values(r).execute();
        await enqueue(trx, {
          kind,
          operation: 'create',
          resource_uuid: r.uuid,
          provider_uuid: provider,
          payload: { spec },
        });
      });
      engine.deps.wake();
      return r;
    },
    async queue(r, operation, payload = {}) {
      const job = await store.db.transaction().execute(async (trx) => {
        if (operation !== 'pull')
          await trx
            .updateTable('portal_resources')
            .set({ state: scheduledState(operation).scheduled })
            .where('uuid', '=', r.uuid)
            .execute();
        return enqueue(trx, {
          kind: r.kind,
          operation,
          resource_uuid: r.uuid,
          provider_uuid: provider,
          payload,
        });
      });
      engine.deps.wake();
      return job;
    },
    row,
    jobs: (resource) =>
      store.db
        .selectFrom('portal_jobs')
        .selectAll()
        .where('resource_uuid', '=', resource)
        .orderBy('created')
        .execute(),
    async until(what, pred, ms = 10_000) {
      const end = Date.now() + ms;
      while (!(await pred())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
      }
    },
    async settled(uuid) {
      await f.until(`jobs of ${uuid}`, async () =>
        (await f.jobs(uuid)).every((j) => j.state === 'DONE' || j.state === 'ERRED'),
      );
      return row(uuid);
    },
    async close() {
      await engine.stop();
      if (!o.store) await store.close();
    },
  };
  return f;
}
