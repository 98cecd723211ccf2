/**
 * Provider secrets never reach the log: a portal logging at trace level registers the lab as a provider,
 * is refused a wrong password, changes the password and opens the provider's connection; the log (which
 * does record those requests) holds neither password.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import { createLogger } from '../../lib/log.ts';
import { generateKey, parseKey, secretBox } from '../../lib/secret-box.ts';
import { labProviderSettings } from '../../testing/portal/provider.ts';
import { OFFERINGS } from '../../testing/portal/providers.ts';
import { describeStores } from '../../testing/store/stores.ts';
import { openProviderCloud } from '../backend/provider-cloud.ts';
import { bootstrapStaff } from '../bootstrap.ts';
import { type Portal, startPortal } from '../server.ts';
import { openPortalStore, type PortalStore } from '../store/index.ts';
import { loadProviderSettings } from './settings.ts';

describeStores('provider secrets and the log', (ctx) => {
  const lines: string[] = [];
  let store: PortalStore;
  let portal: Portal;
  let base: string;
  const secrets = secretBox(parseKey(generateKey(), 'test key'));

  before(async () => {
    store = await openPortalStore({ url: ctx.url });
    const prom = await import('prom-client');
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    portal = await startPortal({
      store,
      log: createLogger('portal', { level: 'trace' }, sink),
      prom,
      metrics: new prom.Registry(),
      listen: '127.0.0.1:0',
      secrets,
    });
    const a = portal.address as { host: string; port: number };
    base = `http://${a.host}:${a.port}`;
  });
  after(async () => {
    await portal?.close();
    await store?.close();
  });

  it('no password of a provider is in the log, though the requests are', async () => {
    const lab = await labProviderSettings();
    const { password: adminPw } = await bootstrapStaff(store, { username: 'admin' });
    const api = async (method: string, path: string, token?: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Token ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json().catch(() => undefined)) as Record<string, unknown> };
    };
    const token = (
      await api('POST', '/api-auth/password/', undefined, { username: 'admin', password: adminPw })
    ).body.token as string;
    const org = (await api('POST', '/api/customers/', token, { name: 'org' })).body.uuid as string;
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-pw`;
    const secret = { backend_url: lab.backend_url, username: lab.username, tenant_name: lab.tenant_name };
    const body = (password: string) => ({
      customer: org,
      name: 'lab',
      type: 'OpenStack.Tenant',
      secret_options: { ...secret, password },
    });
    assert.equal((await api('POST', OFFERINGS, token, body(wrong))).status, 400);
    const made = await api('POST', OFFERINGS, token, body(lab.password));
    assert.equal(made.status, 201);
    const uuid = made.body.uuid as string;
    assert.equal(
      (await api('PATCH', `${OFFERINGS}${uuid}/`, token, { secret_options: { password: wrong } })).status,
      400,
    );
    const cloud = await openProviderCloud(await loadProviderSettings(store, secrets, uuid));
    await cloud.close();
    const log = lines.join('');
    assert.match(log, /marketplace-provider-offerings/, 'the requests are not in the log');
    assert.ok(!log.includes(lab.password), 'the provider password is in the log');
    assert.ok(!log.includes(wrong), 'a refused password is in the log');
  });
});
