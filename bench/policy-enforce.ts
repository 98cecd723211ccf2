/**
 * The Neutron reconciler against the lab's real Neutron: a first pass that makes G groups and the rules of
 * P policies, a pass over an unchanged store (no writes: its reads and time), then K single-policy changes
 * each timed from the store write to its rule being listed by Neutron (a triggered pass, as the server's
 * change hook does). Prints figures only; nothing passes or fails. Cleans up everything it made.
 *
 * Run: `node bench/policy-enforce.ts [G=8] [P=24] [K=5]` with the lab up. The groups are made in the demo
 * project, whose Neutron quota (10 security groups, 100 rules: Neutron's defaults) bounds G and P.
 *
 * @example
 *   node bench/policy-enforce.ts 8 24 5
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/lib/log.ts';
import { collect } from '../src/openstack/client/pagination.ts';
import { securityGroupRules, securityGroups } from '../src/openstack/networking/v2/index.ts';
import { createReconciler } from '../src/policy/enforce/reconciler.ts';
import type { Policy } from '../src/policy/model.ts';
import { openPolicyRepo } from '../src/policy/store/index.ts';
import { labCloud } from '../src/testing/openstack/lab.ts';

const arg = (i: number, d: number) => Number(process.argv[i] ?? d);
const [G, P, K] = [arg(2, 8), arg(3, 24), arg(4, 5)];
const tag = `bench-enforce-${Math.random().toString(36).slice(2, 8)}`;
const dir = await mkdtemp(join(tmpdir(), 'osnet-bench-enforce-'));
const repo = await openPolicyRepo({ url: `sqlite:${join(dir, 'policy.db')}` });
const cloud = await labCloud('lab-admin');
const net = await cloud.network();
const demo = await labCloud('lab-demo');
const project = (await demo.token()).projectId!;
await demo.close();
const r = createReconciler({
  repo,
  neutron: net,
  defaultProjectId: project,
  log: createLogger('bench', { level: 'silent' }),
  groupTag: tag,
  maxWritesPerPass: 100_000,
});
const app = (i: number) => `${tag}-app${i}`;
const policy = (i: number): Policy => ({
  source: app(i % G),
  destination: app((i * 7 + 1) % G),
  protocol: 'tcp',
  ports: { start: 1000 + i, end: 1000 + i },
});

try {
  await repo.ensureGroups(Array.from({ length: G }, (_, i) => app(i)));
  await repo.createPolicies(Array.from({ length: P }, (_, i) => policy(i)));
  let t0 = performance.now();
  const first = await r.reconcile();
  const firstS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const idle = await r.reconcile();
  const idleMs = performance.now() - t0;
  console.log(`groups ${G}, policies ${P} (rules ${2 * P}), then ${K} single-policy changes`);
  console.log(
    `first pass: ${firstS.toFixed(1)} s, ${first.writes} writes (${first.groups.created} groups, ${first.rules.created} rules), ${first.reads} reads, errors ${first.errors.length}`,
  );
  console.log(`unchanged pass: ${idleMs.toFixed(0)} ms, ${idle.writes} writes, ${idle.reads} reads`);
  if (first.errors.length) throw new Error(`first pass: ${first.errors[0]}`);

  const lat: number[] = [];
  for (let k = 0; k < K; k++) {
    const p = policy(P + k);
    t0 = performance.now();
    await repo.createPolicies([p]);
    await r.trigger();
    const dst = (
      await collect(securityGroups.list(net, { tags: [tag], fields: ['id', 'description'] }))
    ).find((g) => g.description === p.destination)!;
    // what an observer sees: the rule listed by Neutron
    for (;;) {
      const rs = await collect(
        securityGroupRules.list(net, {
          security_group_id: dst.id,
          port_range_min: p.ports.start,
          fields: ['id'],
        }),
      );
      if (rs.length >= 2) break;
    }
    lat.push(performance.now() - t0);
  }
  lat.sort((x, y) => x - y);
  const q = (f: number) => lat[Math.min(lat.length - 1, Math.ceil(f * lat.length) - 1)]!.toFixed(0);
  console.log(`store write → rule listed by Neutron: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms`);
} finally {
  for (const sg of await collect(securityGroups.list(net, { tags: [tag], fields: ['id'] })))
    await securityGroups.removeIfExists(net, sg.id);
  await repo.close();
  await cloud.close();
  await rm(dir, { recursive: true, force: true });
}
