/**
 * Port create/delete timings against the lab's real Neutron (ML2/OVN): N ports created one by one versus
 * one bulk POST of N, each followed by N deletes. Prints figures only; nothing passes or fails.
 *
 * Run: `node bench/neutron-ports.ts [N=20]` with the lab up (`bash scripts/lab/up`). Ports are created the
 * way the CNI node daemon will: as admin, bound to this host (`binding:host_id` = hostname).
 *
 * @example
 *   node bench/neutron-ports.ts 20
 */
import { hostname } from 'node:os';
import { networks, ports, subnets } from '../src/openstack/networking/v2/index.ts';
import { labCloud, testName } from '../src/testing/openstack/lab.ts';

const n = Number(process.argv[2] ?? 20);
if (!Number.isInteger(n) || n < 1) {
  console.error(`N must be a positive integer, got ${JSON.stringify(process.argv[2])}`);
  process.exit(64);
}

function quantile(sorted: number[], q: number): number {
  // nearest-rank: the smallest value with at least q of the samples at or below it
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

function row(label: string, samples: number[], totalMs: number): string {
  const s = [...samples].sort((a, b) => a - b);
  const f = (ms: number) => ms.toFixed(0).padStart(7);
  return `${label.padEnd(34)} ${String(samples.length).padStart(4)} ${f(quantile(s, 0.5))} ${f(quantile(s, 0.95))} ${f(s[0]!)} ${f(s[s.length - 1]!)} ${(totalMs / 1000).toFixed(2).padStart(8)}`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

const cloud = await labCloud('lab-admin');
const net = await cloud.network();
const host = hostname();
const network = await networks.create(net, { name: testName('bench') });
const out: string[] = [];
try {
  await subnets.create(net, { network_id: network.id, cidr: '10.250.0.0/22', ip_version: 4 });
  const opts = (i: number): ports.CreatePortOpts => ({
    network_id: network.id,
    name: `bench-${i}`,
    device_owner: 'compute:osnet-bench',
    device_id: `bench-${i}`,
    'binding:host_id': host,
  });
  // one warm-up create/delete so the first sample does not carry connection and token-validation set-up
  await ports.remove(net, (await ports.create(net, opts(-1))).id);

  const deleteAll = async (ids: string[]): Promise<[number[], number]> => {
    const samples: number[] = [];
    const [, total] = await timed(async () => {
      for (const id of ids) samples.push((await timed(() => ports.remove(net, id)))[1]);
    });
    return [samples, total];
  };

  const single: number[] = [];
  const ids: string[] = [];
  const [, singleTotal] = await timed(async () => {
    for (let i = 0; i < n; i++) {
      const [p, ms] = await timed(() => ports.create(net, opts(i)));
      ids.push(p.id);
      single.push(ms);
    }
  });
  const [singleDel, singleDelTotal] = await deleteAll(ids);

  const [bulk, bulkMs] = await timed(() =>
    ports.createMany(
      net,
      Array.from({ length: n }, (_, i) => opts(i)),
    ),
  );
  const [bulkDel, bulkDelTotal] = await deleteAll(bulk.map((p) => p.id));

  out.push(`Neutron ${net.endpoint}, N=${n}, binding:host_id=${host}, times in ms (total in s)`);
  out.push(
    `${'operation'.padEnd(34)} ${'n'.padStart(4)} ${'median'.padStart(7)} ${'p95'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)} ${'total s'.padStart(8)}`,
  );
  out.push(row('create, one by one', single, singleTotal));
  out.push(row('delete, one by one', singleDel, singleDelTotal));
  out.push(row(`bulk create (1 POST of ${n})`, [bulkMs], bulkMs));
  out.push(row('  per port in the bulk', [bulkMs / n], bulkMs));
  out.push(row('delete after bulk, one by one', bulkDel, bulkDelTotal));
  out.push(`bulk create speed-up over one by one: ${(singleTotal / bulkMs).toFixed(1)}x`);
} finally {
  // ports first: a network with ports cannot be deleted
  for await (const p of ports.list(net, { network_id: network.id, fields: ['id'] })) {
    await ports.removeIfExists(net, p.id);
  }
  await networks.removeIfExists(net, network.id);
  await cloud.close();
}
console.log(out.join('\n'));
