/**
 * listPolicies at the public policy server's validated scale: 60,000 policies over 20,000 groups, on the
 * embedded store and on the lab's PostgreSQL; `ids` of 1 and of 100 (what an agent asks with `?id=`), and
 * the whole list. Also times the seeding (createPolicies in batches). Prints figures only.
 *
 * Run: `node bench/policy-store.ts [--policies 60000] [--groups 20000] [--only sqlite|postgres]` with the
 * lab up (PostgreSQL: `bash scripts/lab/up`).
 */
import { parseArgs } from 'node:util';
import type { Policy } from '../src/policy/model.ts';
import { openPolicyRepo } from '../src/policy/store/index.ts';
import { freshStore, STORE_KINDS, type StoreKind } from '../src/testing/store/stores.ts';

const { values } = parseArgs({
  options: {
    policies: { type: 'string', default: '60000' },
    groups: { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
});
const nPolicies = Number(values.policies);
const nGroups = Number(values.groups);

// a fixed pseudo-random sequence: the same data on every run and store
function prng(seed: number): () => number {
  // mulberry32: 32-bit integer steps (Math.imul), so no precision is lost and the period is 2^32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function dataset(): Policy[] {
  const rnd = prng(42);
  const seen = new Set<string>();
  const out: Policy[] = [];
  while (out.length < nPolicies) {
    const s = Math.floor(rnd() * nGroups);
    const d = Math.floor(rnd() * nGroups);
    const port = 1000 + Math.floor(rnd() * 9000);
    const key = `${s}/${d}/${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      source: `app-${s}`,
      destination: `app-${d}`,
      protocol: rnd() < 0.8 ? 'tcp' : 'udp',
      ports: { start: port, end: port },
    });
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

function row(label: string, ms: number[], extra = ''): string {
  const f = (v: number) => v.toFixed(2).padStart(8);
  return `${label.padEnd(28)} ${String(ms.length).padStart(5)} ${f(quantile(ms, 0.5))} ${f(quantile(ms, 0.99))} ${f(ms[ms.length - 1]!)}  ${extra}`;
}

async function bench(kind: StoreKind, policies: Policy[]): Promise<void> {
  const store = await freshStore(kind);
  const repo = await openPolicyRepo({ url: store.url });
  try {
    const t0 = performance.now();
    for (let i = 0; i < policies.length; i += 5000) await repo.createPolicies(policies.slice(i, i + 5000));
    const seedS = (performance.now() - t0) / 1000;
    const groups = (await repo.groups()).length;
    console.log(
      `\n[${kind}] seeded ${policies.length} policies over ${groups} groups in ${seedS.toFixed(1)} s`,
    );
    console.log(
      `${'query'.padEnd(28)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
    );
    const rnd = prng(7);
    const pick = () => `app-${Math.floor(rnd() * nGroups)}`;
    let rows = 0;
    // warm-up: statement caches, the database's buffers
    for (let i = 0; i < 20; i++) await repo.listPolicies({ ids: [pick()] });
    const one = await timeIt(500, async () => {
      rows += (await repo.listPolicies({ ids: [pick()] })).length;
    });
    console.log(row('ids: 1', one, `${(rows / 500).toFixed(1)} policies per answer`));
    rows = 0;
    const hundred = await timeIt(200, async () => {
      rows += (await repo.listPolicies({ ids: Array.from({ length: 100 }, pick) })).length;
    });
    console.log(row('ids: 100', hundred, `${(rows / 200).toFixed(1)} policies per answer`));
    const all = await timeIt(5, () => repo.listPolicies());
    console.log(row('whole list (no filter)', all));
    const st = await timeIt(200, () => repo.state());
    console.log(row('state() (ETag source)', st));
  } finally {
    await repo.close();
    await store.remove();
  }
}

const policies = dataset();
for (const kind of STORE_KINDS) if (!values.only || values.only === kind) await bench(kind, policies);
