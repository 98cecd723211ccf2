// The TLS settings as a real TLS client (curl) sees them: HTTPS with Node's defaults, and the mutual-TLS
// pin made configurable (TLS 1.3 allowed when asked for). The pinned defaults are tested on the policy
// server's internal API (src/policy/api/internal.mtls.test.ts).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as prom from 'prom-client';
import { silentLogger } from '../lib/log.ts';
import { generateCerts } from '../policy/certs/generate.ts';
import { curl } from '../testing/policy/curl.ts';
import { type App, createApp, listenOn } from './app.ts';
import { mutualTls, serverTls } from './tls.ts';

let dir: string;
let files: Record<string, string>;
const f = (n: string) => join(dir, n);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-tls-'));
  files = (await generateCerts()).files;
  for (const [n, pem] of Object.entries(files)) await writeFile(f(n), pem, { mode: 0o600 });
});
after(() => rm(dir, { recursive: true, force: true }));

async function serve(tls: Parameters<typeof createApp>[0]['tls']): Promise<{ app: App; url: string }> {
  const app = createApp({ name: 't', log: silentLogger, prom, metrics: new prom.Registry(), tls });
  app.get('/', async () => ({ ok: true }));
  const a = (await listenOn(app, '127.0.0.1:0', '--listen')) as { port: number };
  return { app, url: `https://127.0.0.1:${a.port}/` };
}

test('serverTls: HTTPS without a client certificate, TLS 1.3 allowed (Node defaults)', async () => {
  const { app, url } = await serve(serverTls({ cert: files['server.crt']!, key: files['server.key']! }));
  try {
    const r = await curl(['--cacert', f('ca.crt'), '--tlsv1.3', url]);
    assert.equal(r.status, 200, r.stderr);
    assert.deepEqual(JSON.parse(r.body), { ok: true });
  } finally {
    await app.close();
  }
});

test('mutualTls with maxVersion TLSv1.3: a 1.3 client with the right certificate gets in; none still refused', async () => {
  const { app, url } = await serve(
    mutualTls({
      ca: files['ca.crt']!,
      cert: files['server.crt']!,
      key: files['server.key']!,
      maxVersion: 'TLSv1.3',
    }),
  );
  try {
    const ok = await curl([
      '--cacert',
      f('ca.crt'),
      '--cert',
      f('client.crt'),
      '--key',
      f('client.key'),
      '--tlsv1.3',
      url,
    ]);
    assert.equal(ok.status, 200, ok.stderr);
    const none = await curl(['--cacert', f('ca.crt'), '--tlsv1.3', url]);
    assert.notEqual(none.status, 200);
  } finally {
    await app.close();
  }
});
