/**
 * The set-up of the provider offering tests (tests only): a portal on the suite's store, two organisations
 * (A with an owner and a project member, B with an owner), the lab's admin settings as a provider body, and
 * a call wrapper that keeps every answer for the OpenAPI conformance check at the end.
 *
 * @example
 *   const w = providerWorld(() => ctx.url);
 *   before(() => w.open());
 *   after(() => w.close());
 *   const made = w.ok(await w.call('POST', OFFERINGS, { token: w.users.ownerA, body: w.body() }), 201);
 */
import assert from 'node:assert/strict';
import type { ProviderSettings } from '../../portal/backend/contract.ts';
import { type Answer, type TestPortal, testPortal } from './client.ts';
import { labProviderSettings } from './provider.ts';

export const OFFERINGS = '/api/marketplace-provider-offerings/';

export interface ProviderWorld {
  p: TestPortal;
  staff: string;
  lab: ProviderSettings;
  /** Tokens by user name; `<name>:uuid` their uuids. */
  users: Record<string, string>;
  orgs: Record<string, string>;
  projectA: string;
  answers: Answer[];
  call(...a: Parameters<TestPortal['api']>): Promise<Answer>;
  ok(r: Answer, status: number): Answer['body'];
  secretOptions(): Record<string, string>;
  /** A create body for organisation A with the lab's settings, `over` merged in. */
  body(over?: Record<string, unknown>): Record<string, unknown>;
  open(): Promise<void>;
  close(): Promise<void>;
}

export function providerWorld(
  url: () => string,
  o: { engine?: NonNullable<Parameters<typeof testPortal>[1]>['engine'] } = {},
): ProviderWorld {
  const w = {
    users: {},
    orgs: {},
    projectA: '',
    answers: [],
    async call(...a) {
      const r = await w.p.api(...a);
      w.answers.push(r);
      return r;
    },
    ok(r, status) {
      assert.equal(r.status, status, `${r.method} ${r.route}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    secretOptions: () => ({
      backend_url: w.lab.backend_url,
      username: w.lab.username,
      password: w.lab.password,
      tenant_name: w.lab.tenant_name,
      domain: 'default',
    }),
    body: (over = {}) => ({
      customer: w.orgs.A,
      name: 'lab cloud',
      type: 'OpenStack.Tenant',
      secret_options: w.secretOptions(),
      plugin_options: {
        default_internal_network_mtu: 1400,
        storage_mode: 'fixed',
        api_timeout: 30,
        dns_nameservers: ['192.0.2.53'],
      },
      ...over,
    }),
    async open() {
      w.lab = await labProviderSettings();
      w.p = await testPortal(url(), o.engine ? { engine: o.engine } : {});
      w.staff = await w.p.login('admin', w.p.adminPassword);
      for (const org of ['A', 'B'])
        w.orgs[org] = w.ok(
          await w.call('POST', '/api/customers/', { token: w.staff, body: { name: `org ${org}` } }),
          201,
        ).uuid;
      for (const name of ['ownerA', 'memberA', 'ownerB']) {
        const u = w.ok(
          await w.call('POST', '/api/users/', {
            token: w.staff,
            body: { username: name, password: `pw-${name}-123` },
          }),
          201,
        );
        w.users[name] = await w.p.login(name, `pw-${name}-123`);
        w.users[`${name}:uuid`] = u.uuid;
      }
      const grant = async (kind: string, scope: string, user: string, role: string) =>
        w.ok(
          await w.call('POST', `/api/${kind}/${scope}/add_user/`, {
            token: w.staff,
            body: { user: w.users[`${user}:uuid`], role },
          }),
          201,
        );
      await grant('customers', w.orgs.A!, 'ownerA', 'CUSTOMER.OWNER');
      await grant('customers', w.orgs.B!, 'ownerB', 'CUSTOMER.OWNER');
      w.projectA = w.ok(
        await w.call('POST', '/api/projects/', { token: w.staff, body: { name: 'pA', customer: w.orgs.A } }),
        201,
      ).uuid;
      await grant('projects', w.projectA, 'memberA', 'PROJECT.MEMBER');
    },
    async close() {
      await w.p?.close();
    },
  } as Partial<ProviderWorld> as ProviderWorld;
  return w;
}
