/**
 * Test tooling for osnet-portal: a portal on a fresh store (staff user bootstrapped), a small JSON client,
 * and the served OpenAPI document as a checker: `conform` validates an answer against the schema of its
 * operation and status with Ajv (draft 2020-12, what OpenAPI 3.1 uses).
 *
 * @example
 *   const p = await testPortal(ctx.url);
 *   const staff = await p.login('admin', p.adminPassword);
 *   const r = await p.api('GET', '/api/customers/', { token: staff });
 *   p.conform(r);
 *   await p.close();
 */

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { silentLogger } from '../../lib/log.ts';
import { generateKey, parseKey, type SecretBox, secretBox } from '../../lib/secret-box.ts';
import { bootstrapStaff } from '../../portal/bootstrap.ts';
import { type EngineWiring, type Portal, startPortal } from '../../portal/server.ts';
import { openPortalStore, type PortalStore } from '../../portal/store/index.ts';

export interface Answer {
  method: string;
  /** The route as in the document (`/api/customers/{uuid}/`). */
  route: string;
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the server, checked by the tests
  body: any;
}

export interface TestPortal {
  base: string;
  store: PortalStore;
  portal: Portal;
  adminPassword: string;
  /** The secret box the portal seals provider and tenant secrets with (a random key per portal). */
  secrets: SecretBox;
  api(method: string, path: string, o?: { token?: string; body?: unknown; route?: string }): Promise<Answer>;
  login(username: string, password: string): Promise<string>;
  /** The served document (fetched once). */
  document(): Promise<Record<string, unknown>>;
  /** Throws unless `a`'s body matches its operation's schema for its status. */
  conform(a: Answer): Promise<void>;
  close(): Promise<void>;
}

/** `/api/customers/abc…/add_user/` → `/api/customers/{uuid}/add_user/`. */
function routeOf(path: string): string {
  return path.split('?')[0]!.replace(/\/[0-9a-f]{32}\//g, '/{uuid}/');
}

export async function testPortal(
  url: string,
  o: {
    engine?: EngineWiring | ((store: PortalStore, secrets: SecretBox) => EngineWiring);
    secrets?: SecretBox;
  } = {},
): Promise<TestPortal> {
  const secrets = o.secrets ?? secretBox(parseKey(generateKey(), 'test key'));
  const store = await openPortalStore({ url });
  const { password } = await bootstrapStaff(store, { username: 'admin' });
  const prom = await import('prom-client');
  const portal = await startPortal({
    store,
    log: silentLogger,
    prom,
    metrics: new prom.Registry(),
    listen: '127.0.0.1:0',
    engine: typeof o.engine === 'function' ? o.engine(store, secrets) : o.engine,
    secrets,
  });
  const addr = portal.address as { host: string; port: number };
  const base = `http://${addr.host}:${addr.port}`;
  let doc: Record<string, unknown> | undefined;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const self: TestPortal = {
    base,
    store,
    portal,
    adminPassword: password,
    secrets,
    async api(method, path, o = {}) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(o.token ? { authorization: `Token ${o.token}` } : {}),
          ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      });
      const text = await res.text();
      return {
        method,
        route: o.route ?? routeOf(path),
        status: res.status,
        headers: res.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
    },
    async login(username, pw) {
      const r = await self.api('POST', '/api-auth/password/', { body: { username, password: pw } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async document() {
      doc ??= (await self.api('GET', '/api/schema/')).body;
      return doc!;
    },
    async conform(a) {
      const d = (await self.document()) as {
        paths: Record<
          string,
          Record<
            string,
            { responses: Record<string, { content?: { 'application/json': { schema: object } } }> }
          >
        >;
      };
      const op = d.paths[a.route]?.[a.method.toLowerCase()];
      if (!op) throw new Error(`${a.method} ${a.route}: not in the OpenAPI document`);
      const resp =
        op.responses[String(a.status)] ?? op.responses[`${String(a.status)[0]}XX`] ?? op.responses.default;
      if (!resp) throw new Error(`${a.method} ${a.route}: status ${a.status} not documented`);
      const schema = resp.content?.['application/json']?.schema;
      if (!schema) {
        if (a.body !== undefined)
          throw new Error(`${a.method} ${a.route} ${a.status}: a body where none is documented`);
        return;
      }
      const validate = ajv.compile(schema);
      if (!validate(a.body))
        throw new Error(
          `${a.method} ${a.route} ${a.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(a.body)}`,
        );
    },
    async close() {
      await portal.close();
      await store.close();
    },
  };
  return self;
}
