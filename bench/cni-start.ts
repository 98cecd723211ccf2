/**
 * Start time of the CNI plugins, which kubelet runs once per pod per verb: VERSION through the built
 * dist/bin/openstack-port-cni and dist/bin/osnet-ovs, beside a bare `node -e 0` (Node's own start, the
 * floor). Runs alternate, so drift of a shared machine hits all alike. Figures only, no thresholds.
 *
 *   node scripts/build.ts && node bench/cni-start.ts [N=40]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 40);
const commands: Record<string, string[]> = {
  'node -e 0': [process.execPath, '-e', '0'],
  'openstack-port-cni VERSION': [process.execPath, join(root, 'dist', 'bin', 'openstack-port-cni')],
  'osnet-ovs VERSION': [process.execPath, join(root, 'dist', 'bin', 'osnet-ovs')],
};
for (const [name, argv] of Object.entries(commands)) {
  if (!existsSync(argv.at(-1)!) && argv.length === 2)
    throw new Error(`${name}: build first (node scripts/build.ts)`);
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < N + 2; i++) {
  for (const [name, [cmd, ...args]] of Object.entries(commands)) {
    const t = performance.now();
    const r = spawnSync(cmd!, args, {
      input: '{"cniVersion":"1.1.0"}',
      env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' },
    });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stdout}${r.stderr}`);
    if (i >= 2) times[name]!.push(ms); // two warm-up rounds fill the page cache
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const floor = pct(times['node -e 0']!, 50);
console.log(`| command | n | p50 ms | p95 ms | p50 over node -e 0 |`);
console.log(`| --- | --- | --- | --- | --- |`);
for (const [name, xs] of Object.entries(times)) {
  const p50 = pct(xs, 50);
  console.log(
    `| ${name} | ${xs.length} | ${p50.toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${name === 'node -e 0' ? '' : `+${(p50 - floor).toFixed(1)}`} |`,
  );
}
