/**
 * The portal against the lab (tests only): an organisation, a project and an `OpenStack.Tenant` offering
 * on the lab's admin user, made through the API of a portal that runs in this process (`labPortal`) or
 * as a process (`setUpLabOffering` over any base URL and token), and a tenant order that waits for its job.
 *
 * @example
 *   const lp = await labPortal(url, { options: { schedules: false } });
 *   const t = await lp.orderTenant(testName('e2e'));
 *   await lp.close();
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { realWiring } from '../../portal/jobs/wiring.ts';
import type { EngineWiring } from '../../portal/server.ts';
import { type Answer, type TestPortal, testPortal } from './client.ts';
import { labProviderSettings } from './provider.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the server, checked by the tests
export type Json = Record<string, any>;
export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;

export interface LabSetup {
  customer: string;
  project: string;
  offering: string;
}

const must = (r: { status: number; body: unknown }, status: number, what: string) => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Json;
};

/** An organisation, a project and a lab offering, made by staff through the API. */
export async function setUpLabOffering(api: Api, tag: string): Promise<LabSetup> {
  const lab = await labProviderSettings();
  const customer = must(await api('POST', '/api/customers/', { name: `org ${tag}` }), 201, 'customer').uuid;
  const project = must(
    await api('POST', '/api/projects/', { name: `p ${tag}`, customer }),
    201,
    'project',
  ).uuid;
  const offering = must(
    await api('POST', '/api/marketplace-provider-offerings/', {
      customer,
      name: `lab ${tag}`,
      type: 'OpenStack.Tenant',
      secret_options: {
        backend_url: lab.backend_url,
        username: lab.username,
        password: lab.password,
        tenant_name: lab.tenant_name,
        domain: 'default',
      },
      plugin_options: {
        storage_mode: 'fixed',
        api_timeout: 30,
        automatically_create_private_offering: false,
      },
    }),
    201,
    'offering',
  ).uuid;
  return { customer, project, offering };
}

/** Polls `path` until `pred` holds (or the resource is gone, when `pred` accepts `undefined`). */
export async function waitFor(
  api: Api,
  path: string,
  pred: (b: Json | undefined) => boolean,
  ms = 180_000,
): Promise<Json | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await api('GET', path);
    const b = r.status === 404 ? undefined : (r.body as Json);
    if ((r.status === 200 || r.status === 404) && pred(b)) return b;
    if (Date.now() > end)
      throw new Error(`${path}: not reached in ${ms} ms; last ${r.status} ${JSON.stringify(r.body)}`);
    await sleep(250);
  }
}

export interface LabPortal extends LabSetup {
  p: TestPortal;
  staff: string;
  api: Api;
  answers: Answer[];
  /** Orders a tenant and waits for OK (or ERRED: the caller checks). */
  orderTenant(name: string, body?: Record<string, unknown>): Promise<Json>;
  close(): Promise<void>;
}

export async function labPortal(
  url: string,
  o: { options?: EngineWiring['options'] } = {},
): Promise<LabPortal> {
  let wiring: ReturnType<typeof realWiring> | undefined;
  const p = await testPortal(url, {
    engine: (store, secrets) => {
      wiring = realWiring(store, secrets, { options: o.options });
      return wiring;
    },
  });
  const staff = await p.login('admin', p.adminPassword);
  const answers: Answer[] = [];
  const api: Api = async (method, path, body) => {
    const r = await p.api(method, path, { token: staff, ...(body === undefined ? {} : { body }) });
    answers.push(r);
    return r;
  };
  const setup = await setUpLabOffering(api, `${Date.now()}`);
  return {
    ...setup,
    p,
    staff,
    api,
    answers,
    async orderTenant(name, body = {}) {
      const r = must(
        await api('POST', '/api/openstack-tenants/', {
          name,
          project: setup.project,
          offering: setup.offering,
          ...body,
        }),
        202,
        'order',
      );
      return (await waitFor(
        api,
        `/api/openstack-tenants/${r.uuid}/`,
        (b) => b?.state === 'OK' || b?.state === 'ERRED',
      ))!;
    },
    async close() {
      await p.close();
      await wiring?.close();
    },
  };
}
