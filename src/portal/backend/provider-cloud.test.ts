/**
 * openProviderCloud against the lab's Keystone: the settings alone connect (catalog endpoints, no
 * clouds.yaml), a wrong password is an error naming the setting without the password, and a Keystone that
 * never answers fails with the timeout error once api_timeout has passed.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { collect } from '../../openstack/client/pagination.ts';
import { networks } from '../../openstack/networking/v2/index.ts';
import { labProviderSettings } from '../../testing/portal/provider.ts';
import { openProviderCloud, providerCloudConfig } from './provider-cloud.ts';

/** A fake Keystone that accepts connections and never answers (a hung server a real one won't imitate). */
async function fakeHungKeystone(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v3`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('openProviderCloud (lab)', () => {
  let hung: Awaited<ReturnType<typeof fakeHungKeystone>>;
  before(async () => {
    hung = await fakeHungKeystone();
  });
  after(() => hung.close());

  it('connects with the settings alone and finds Neutron in the catalog', async () => {
    const cloud = await openProviderCloud(await labProviderSettings());
    try {
      assert.match(await cloud.endpoint('network'), /^http:\/\/127\.0\.0\.1:9696\/v2\.0\/?$/);
      const net = await cloud.network();
      assert.ok(Array.isArray(await collect(networks.list(net, { limit: 1 }))));
    } finally {
      await cloud.close();
    }
  });

  it('defaults verify_ssl to what the settings say and api_timeout to 60 s', async () => {
    const s = await labProviderSettings({ api_timeout: 0 });
    assert.equal(providerCloudConfig(s).timeoutMs, 60_000);
    assert.equal(providerCloudConfig({ ...s, verify_ssl: false }).verify, false);
    assert.equal(providerCloudConfig(s).verify, true);
  });

  it('a wrong password names the setting and does not contain the password', async () => {
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-pw`;
    const err = await openProviderCloud(await labProviderSettings({ password: wrong })).then(
      () => assert.fail('a wrong password connected'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OsnetError);
    assert.equal(err.code, 'OSNET_ERR_PORTAL_PROVIDER_AUTH');
    assert.equal(err.field, 'secret_options.password');
    assert.match(err.message, /secret_options\.password/);
    assert.ok(!err.message.includes(wrong), 'the password is in the message');
    assert.ok(!JSON.stringify(err).includes(wrong), 'the password is in the error object');
  });

  it('a Keystone that never answers fails with the timeout error, naming backend_url', async () => {
    const err = await openProviderCloud(
      await labProviderSettings({ backend_url: hung.url, api_timeout: 1 }),
    ).then(
      () => assert.fail('connected to a silent server'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OsnetError);
    assert.equal(err.code, 'OSNET_ERR_PORTAL_PROVIDER_UNREACHABLE');
    assert.equal(err.field, 'secret_options.backend_url');
    assert.match(err.message, /api_timeout \(1 s\)/);
  });

  it('a URL where nothing listens is the unreachable error', async () => {
    const closed = await fakeHungKeystone();
    await closed.close(); // its port is now free: connections are refused
    const err = await openProviderCloud(
      await labProviderSettings({ backend_url: closed.url, api_timeout: 5 }),
    ).then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OsnetError);
    assert.equal(err.code, 'OSNET_ERR_PORTAL_PROVIDER_UNREACHABLE');
  });
});
