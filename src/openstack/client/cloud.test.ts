/**
 * Cloud against the lab's real Keystone and Neutron: an unversioned endpoint override, one pool shared by
 * several clouds, proxy variables with NO_PROXY for loopback. A fake proxy on loopback records whether it
 * was used (the lab has no proxy).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, test } from 'node:test';
import { useLabConfig } from '../../testing/openstack/lab.ts';
import { loadCloudConfig } from '../config/load.ts';
import { createDispatcher } from '../http/dispatcher.ts';
import { Cloud, openCloud } from './cloud.ts';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

async function labConfig(name: string, env: NodeJS.ProcessEnv = {}) {
  useLabConfig();
  return loadCloudConfig({
    cloud: name,
    env: { ...env, OS_CLIENT_CONFIG_FILE: process.env.OS_CLIENT_CONFIG_FILE },
  });
}

test('network_endpoint_override without a version reaches /v2.0/ (as the catalog URL would)', async () => {
  const cfg = await labConfig('lab-demo');
  const cloud = new Cloud({ ...cfg, endpointOverrides: { network: 'http://127.0.0.1:9696' } });
  closers.push(() => cloud.close());
  const net = await cloud.network();
  assert.equal(net.endpoint, 'http://127.0.0.1:9696/v2.0/');
  const { status, body } = await net.get<{ networks: unknown[] }>('networks', { query: { limit: 1 } });
  assert.equal(status, 200);
  assert.ok(Array.isArray(body.networks));
});

test('one dispatcher shared by several clouds; closing one leaves the others working', async () => {
  const pool = createDispatcher({ connections: 4 });
  closers.push(() => pool.close());
  const a = await openCloud({ cloud: 'lab-demo', dispatcher: pool });
  const b = await openCloud({ cloud: 'lab-demo2', dispatcher: pool });
  const na = await a.network();
  const nb = await b.network();
  assert.equal((await na.get('networks', { query: { limit: 1 } })).status, 200);
  await a.close();
  assert.equal((await nb.get('networks', { query: { limit: 1 } })).status, 200);
  await b.close();
});

/** An HTTP proxy that refuses everything and counts what it was asked (CONNECT tunnels and plain requests). */
async function fakeProxy(): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const s: Server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  s.on('connect', (req, socket: Socket) => {
    asked.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, asked };
}

test('HTTP(S)_PROXY is used for the APIs, except for hosts in NO_PROXY', async () => {
  const proxy = await fakeProxy();
  const direct = new Cloud(
    await labConfig('lab-demo', {
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'localhost,127.0.0.1',
    }),
    {
      retry: { retries: 0 },
    },
  );
  closers.push(() => direct.close());
  const net = await direct.network();
  assert.equal((await net.get('networks', { query: { limit: 1 } })).status, 200);
  assert.equal(proxy.asked.length, 0, 'loopback is in NO_PROXY');

  const proxied = new Cloud(await labConfig('lab-demo', { HTTP_PROXY: proxy.url }), {
    retry: { retries: 0 },
  });
  closers.push(() => proxied.close());
  await assert.rejects(proxied.token());
  assert.ok(
    proxy.asked.some((a) => a.includes('127.0.0.1:5000')),
    `the Keystone call went to the proxy: ${proxy.asked.join(', ')}`,
  );
});
