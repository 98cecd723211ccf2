/**
 * Mutual TLS to an API with certificates openssl makes for the test: a local node:https server standing in
 * for a TLS-terminated Keystone/Neutron (the lab serves plain HTTP) that demands a client certificate.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { Transport } from './transport.ts';

const dir = mkdtempSync(join(tmpdir(), 'osnet-mtls-'));
const f = (n: string) => join(dir, n);
const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

function makeCerts(): void {
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=osnet test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', true],
    ['client', 'osnet-client', false],
  ] as const) {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
    );
    ssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      f(`${name}.pem`),
      ...(ext ? ['-extfile', f('san.ext')] : []),
    );
  }
  writeFileSync(
    f('client-with-key.pem'),
    readFileSync(f('client.pem'), 'utf8') + readFileSync(f('client.key'), 'utf8'),
  );
}

let url = '';
let close = async () => {};
before(async () => {
  makeCerts();
  const server = createServer(
    {
      key: readFileSync(f('server.key')),
      cert: readFileSync(f('server.pem')),
      ca: readFileSync(f('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ client: peer.subject?.CN }));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v3/`;
  close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
});
after(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

test('cert and key give mutual TLS; one PEM holding both works too', async () => {
  for (const opts of [{ cert: f('client.pem'), key: f('client.key') }, { cert: f('client-with-key.pem') }]) {
    const t = new Transport({ timeoutMs: 5000, cacert: f('ca.pem'), ...opts });
    try {
      const res = await t.send({ method: 'GET', url, headers: {}, idempotent: true });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { client: 'osnet-client' });
    } finally {
      await t.close();
    }
  }
});

test('without the client certificate the server refuses the connection', async () => {
  const t = new Transport({ timeoutMs: 5000, cacert: f('ca.pem'), retry: { retries: 0 } });
  try {
    await assert.rejects(t.send({ method: 'GET', url, headers: {}, idempotent: true }));
  } finally {
    await t.close();
  }
});

test('unreadable cert/key files and a key without a cert are config errors naming the field', () => {
  assert.throws(
    () => new Transport({ timeoutMs: 1000, cert: f('nope.pem') }),
    (e: { code: string; field: string }) => e.code === 'OSNET_ERR_CONFIG' && e.field === 'cert',
  );
  assert.throws(
    () => new Transport({ timeoutMs: 1000, key: f('client.key') }),
    (e: { field: string }) => e.field === 'cert',
  );
});
