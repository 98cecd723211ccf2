/**
 * issue 11's benchmark, pull part: one tenant ordered through the API of a portal running in this process
 * (real engine and backends, the lab as provider, a fresh SQLite store), then `networks` networks and
 * `ports` ports (spread over them) made out-of-band in the tenant's project with Neutron bulk creates, then
 * one `POST /api/openstack-tenants/{uuid}/pull/`: the pull job's wall time and the OpenStack calls it made
 * (every call of the provider's connection, counted by service and method), against the seed's ~2N+1.
 * Everything is removed in `finally`, also after a failure: the out-of-band ports in parallel, then the
 * tenant through the API, then whatever still carries the tenant's marker through the tenant backend.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cloud } from '../src/openstack/client/cloud.ts';
import { collect } from '../src/openstack/client/pagination.ts';
import type { ServiceClient } from '../src/openstack/client/service-client.ts';
import { projects } from '../src/openstack/identity/v3/index.ts';
import { ports as portsApi } from '../src/openstack/networking/v2/index.ts';
import { markerTag } from '../src/portal/backend/tenant/common.ts';
import { tenantBackend } from '../src/portal/backend/tenant/index.ts';
import { realWiring } from '../src/portal/jobs/wiring.ts';
import { Cleanup } from '../src/testing/openstack/cleanup.ts';
import { labCloud, testName } from '../src/testing/openstack/lab.ts';
import { testPortal } from '../src/testing/portal/client.ts';
import { setUpLabOffering, waitFor } from '../src/testing/portal/lab-portal.ts';
import { labProviderSettings } from '../src/testing/portal/provider.ts';
import { freshStore } from '../src/testing/store/stores.ts';
import { callSummary, countCalls } from './portal-measure.ts';

// small enough that one bulk POST answers within the client's 60 s on a loaded lab (100 networks in one did not)
const BULK = 20;

/** Runs `fn` over `xs`, `n` at a time. */
async function pool<T>(xs: readonly T[], n: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, xs.length) }, async () => {
      while (i < xs.length) await fn(xs[i++]!);
    }),
  );
}

async function bulk(net: ServiceClient, plural: 'networks' | 'ports', items: object[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += BULK) {
    const r = await net.post<Record<string, { id: string }[]>>(plural, {
      body: { [plural]: items.slice(i, i + BULK) },
    });
    ids.push(...r.body[plural]!.map((x) => x.id));
  }
  return ids;
}

export async function benchPull(o: { networks: number; ports: number }): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const loc = await freshStore('sqlite');
    cleanup.defer(() => loc.remove());
    const counted = new WeakSet<Cloud>();
    const calls: string[] = [];
    let wiring: ReturnType<typeof realWiring> | undefined;
    const p = await testPortal(loc.url, {
      engine: (store, secrets) => {
        const w = realWiring(store, secrets, {
          options: { schedules: false, runner: { pollMs: 100, backoff: { baseMs: 500, maxMs: 2000 } } },
        });
        const connect = w.providers.connect.bind(w.providers);
        w.providers.connect = async (uuid) => {
          const c = await connect(uuid);
          if (!counted.has(c.cloud)) {
            counted.add(c.cloud);
            countCalls(c.cloud, calls);
          }
          return c;
        };
        wiring = w;
        return w;
      },
    });
    cleanup.defer(async () => {
      await p.close();
      await wiring?.close();
    });
    const admin = await labCloud('lab-admin');
    cleanup.defer(() => admin.close());
    const net = await admin.network();
    const staff = await p.login('admin', p.adminPassword);
    const api = (method: string, path: string, body?: unknown) =>
      p.api(method, path, { token: staff, ...(body === undefined ? {} : { body }) });

    const setup = await setUpLabOffering(api, testName('bpull'));
    const order = await api('POST', '/api/openstack-tenants/', {
      name: testName('bpull'),
      project: setup.project,
      offering: setup.offering,
      skip_connection_extnet: true,
      quotas: { network_count: o.networks + 5, subnet_count: 10, port_count: -1 },
    });
    if (order.status !== 202) throw new Error(`order: ${order.status} ${JSON.stringify(order.body)}`);
    const uuid = String(order.body.uuid);
    // the last resort, run last: whatever OpenStack still has under the tenant's marker
    cleanup.defer(async () => {
      const left = await collect(projects.list(await admin.identity(), { tags: [markerTag(uuid)] }));
      for (const x of left)
        await tenantBackend.delete(
          { cloud: admin, provider: await labProviderSettings(), projectId: x.id },
          async () => {},
        );
    });
    const t = (await waitFor(
      api,
      `/api/openstack-tenants/${uuid}/`,
      (b) => b?.state !== 'CREATION_SCHEDULED' && b?.state !== 'CREATING',
    ))!;
    if (t.state !== 'OK') throw new Error(`tenant ${t.state}: ${t.error_message}`);
    const projectId = String(t.backend_id);
    cleanup.defer(async () => {
      const r = await api('DELETE', `/api/openstack-tenants/${uuid}/`);
      if (r.status === 202)
        await waitFor(api, `/api/openstack-tenants/${uuid}/`, (b) => b === undefined, 600_000);
    });

    let t0 = performance.now();
    const netIds = await bulk(
      net,
      'networks',
      Array.from({ length: o.networks }, (_, i) => ({ name: `bench-net-${i}`, project_id: projectId })),
    );
    const portIds = await bulk(
      net,
      'ports',
      Array.from({ length: o.ports }, (_, i) => ({
        name: `bench-port-${i}`,
        network_id: netIds[i % netIds.length],
        project_id: projectId,
      })),
    );
    // ports go first, many at once: the tenant's teardown removes them one by one
    cleanup.defer(() => pool(portIds, 8, (id) => portsApi.removeIfExists(net, id)));
    console.log(
      `pull: made out-of-band ${netIds.length} networks, ${portIds.length} ports in ${Math.round(performance.now() - t0)} ms (bulk creates of ${BULK})`,
    );

    // the create's own initial pulls finish first, so only the measured pull is counted
    const idle = async () => {
      for (;;) {
        const jobs = (await api('GET', `/api/jobs/?resource_uuid=${uuid}&page_size=100`)).body as {
          state: string;
        }[];
        if (jobs.every((j) => j.state === 'DONE' || j.state === 'ERRED')) return jobs.length;
        await sleep(200);
      }
    };
    const before = await idle();
    calls.length = 0;
    t0 = performance.now();
    const r = await api('POST', `/api/openstack-tenants/${uuid}/pull/`);
    if (r.status !== 202) throw new Error(`pull: ${r.status} ${JSON.stringify(r.body)}`);
    for (;;) {
      const jobs = (await api('GET', `/api/jobs/?resource_uuid=${uuid}&page_size=100`)).body as {
        state: string;
      }[];
      if (jobs.length > before && jobs.every((j) => j.state === 'DONE' || j.state === 'ERRED')) break;
      await sleep(50);
    }
    const ms = performance.now() - t0;
    const count = async (kind: string) =>
      (await api('GET', `/api/openstack-${kind}/?tenant_uuid=${uuid}&page_size=1`)).headers.get(
        'x-result-count',
      );
    const n = o.networks + o.ports;
    console.log(
      `pull: tenant with ${o.networks} networks, ${o.ports} ports: ${Math.round(ms)} ms, ${calls.length} OpenStack calls (${callSummary(calls)}); seed ~2N+1 = ${2 * n + 1}; portal now has ${await count('networks')} networks, ${await count('ports')} ports`,
    );
    t0 = performance.now();
    await cleanup.run();
    console.log(
      `pull: clean-up (ports in parallel, tenant through the API) ${Math.round(performance.now() - t0)} ms`,
    );
  } finally {
    await cleanup.run();
  }
}
