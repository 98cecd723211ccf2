/**
 * The policy server's internal API at the public server's validated scale: 60,000 policies over 20,000
 * apps in the embedded store (a temp file) or PostgreSQL, served over mutual TLS (the pinned TLS 1.2 suite), read by a
 * client with CONCURRENCY requests in flight. Prints requests per second and p50/p99 latency for
 * `?id=` with 1 and with 100 ids, and for a poll answered 304 by its ETag. Figures only.
 *
 *   node bench/policy-api.ts [--store sqlite|postgres] [--apps 20000] [--per-app 3] [--concurrency 16] [--requests 2000]
 *
 * `--store postgres` uses a new database on the lab's PostgreSQL (scripts/lab/up), dropped at the end.
 */

import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Agent, request } from 'undici';
import { generateCerts } from '../src/policy/certs/generate.ts';
import type { Policy } from '../src/policy/model.ts';
import { openPolicyRepo } from '../src/policy/store/index.ts';
import { startInProcessPolicyServer } from '../src/testing/policy/in-process.ts';
import { testPolicyRepo } from '../src/testing/policy/repo.ts';
import { labPostgresUrl, withDatabase } from '../src/testing/store/stores.ts';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '20000' },
    'per-app': { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    requests: { type: 'string', default: '2000' },
    store: { type: 'string', default: 'sqlite' },
  },
});
const APPS = Number(values.apps);
const PER_APP = Number(values['per-app']);
const CONCURRENCY = Number(values.concurrency);
const REQUESTS = Number(values.requests);
const app = (i: number) => `bench-app-${(i % APPS).toString().padStart(6, '0')}`;

async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: await labPostgresUrl() });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}
async function openRepo() {
  if (values.store !== 'postgres') return testPolicyRepo();
  const db = `osnet_bench_${randomBytes(6).toString('hex')}`;
  await pgAdmin(`create database ${db}`);
  const repo = await openPolicyRepo({ url: withDatabase(await labPostgresUrl(), db) });
  return {
    repo,
    async close() {
      await repo.close();
      await pgAdmin(`drop database if exists ${db} with (force)`);
    },
  };
}
const t = await openRepo();
const t0 = performance.now();
const all: Policy[] = [];
for (let i = 0; i < APPS; i++)
  for (let k = 1; k <= PER_APP; k++)
    all.push({
      source: app(i + k * 7),
      destination: app(i),
      protocol: 'tcp',
      ports: { start: 8080, end: 8080 },
    });
for (let i = 0; i < all.length; i += 2000) await t.repo.createPolicies(all.slice(i, i + 2000));
console.log(
  `store (${values.store}): ${all.length} policies over ${APPS} apps loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const certs = await generateCerts();
const { server, internalUrl: base } = await startInProcessPolicyServer({
  repo: t.repo,
  pem: { ca: certs.files['ca.crt'], cert: certs.files['server.crt'], key: certs.files['server.key'] },
});
const agent = new Agent({
  connections: CONCURRENCY,
  connect: {
    ca: certs.files['ca.crt'],
    cert: certs.files['client.crt'],
    key: certs.files['client.key'],
    maxVersion: 'TLSv1.2',
    ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
  },
});

async function run(
  name: string,
  path: (i: number) => string,
  headers: (i: number) => Record<string, string> = () => ({}),
) {
  const lat: number[] = [];
  let next = 0;
  let bytes = 0;
  const statuses = new Map<number, number>();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const s = performance.now();
        const res = await request(`${base}${path(i)}`, { dispatcher: agent, headers: headers(i) });
        bytes += (await res.body.arrayBuffer()).byteLength;
        lat.push(performance.now() - s);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      }
    }),
  );
  const secs = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1);
  console.log(
    `| ${name} | ${REQUESTS} | ${(REQUESTS / secs).toFixed(0)} | ${q(0.5)} | ${q(0.99)} | ${Math.round(bytes / REQUESTS)} | ${[...statuses].map(([k, v]) => `${k}×${v}`).join(' ')} |`,
  );
}

console.log(`\nconcurrency ${CONCURRENCY}, mTLS TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256, keep-alive\n`);
console.log('| case | requests | req/s | p50 ms | p99 ms | bytes/answer | statuses |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
await run('v1 ?id= 1 id', (i) => `/networking/v1/internal/policies?id=${app(i * 37)}`);
await run('v0 ?id= 1 id', (i) => `/networking/v0/internal/policies?id=${app(i * 37)}`);
await run(
  'v1 ?id= 100 ids',
  (i) =>
    `/networking/v1/internal/policies?id=${Array.from({ length: 100 }, (_, k) => app(i * 101 + k)).join(',')}`,
);
const etags = new Map<number, string>();
for (let i = 0; i < 50; i++) {
  const res = await request(`${base}/networking/v1/internal/policies?id=${app(i)}`, { dispatcher: agent });
  await res.body.dump();
  etags.set(i, String(res.headers.etag));
}
await run(
  'v1 1 id, If-None-Match (304)',
  (i) => `/networking/v1/internal/policies?id=${app(i % 50)}`,
  (i) => ({
    'if-none-match': etags.get(i % 50)!,
  }),
);

await agent.close();
await server.close();
await t.close();
