/**
 * osnet-wg-agent reconcile against the lab's real Neutron and this host's devices: one hub with 1, 100 and
 * 1,000 spokes; per size the first full apply and a no-op pass, each with its time, Neutron calls and
 * kernel/UAPI writes. Prints figures only; nothing passes or fails. Needs root (namespaces, wireguard-go).
 *
 * Run: `node bench/wireguard.ts [sizes=1,100,1000]` with the lab up. Spokes are made with one bulk POST per
 * 50 and tagged 8 at a time; that set-up is not what is measured.
 *
 * @example
 *   node bench/wireguard.ts 1,100
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Exec } from '../src/host/exec.ts';
import { delNetns } from '../src/host/netns.ts';
import { networks, ports, quotas, subnets, tags } from '../src/openstack/networking/v2/index.ts';
import { labCloud, testName } from '../src/testing/openstack/lab.ts';
import { Agent } from '../src/wireguard/agent.ts';
import { generateKeyPair } from '../src/wireguard/keys.ts';
import { interfaceName, peerTag, projectNamespace, SPOKE_OWNER } from '../src/wireguard/model.ts';
import { createHub, MESH_TAG } from '../src/wireguard/neutron.ts';

const sizes = (process.argv[2] ?? '1,100,1000').split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4000)) {
  console.error(`sizes must be whole numbers within 1-4000, got ${JSON.stringify(process.argv[2])}`);
  process.exit(64);
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

// bulk creates on ML2/OVN take about 0.3-0.6 s per port: give them time
process.env.OS_API_TIMEOUT ??= '600';
const cloud = await labCloud('lab-admin');
const net = await cloud.network();
const host = `wgbench-${Math.random().toString(36).slice(2, 7)}`;
const n = await networks.create(net, { name: testName('wgbench') });
const rows: string[] = [];
// the admin project's port quota (500 by default) would stop 1,000 spokes: lifted for the run, then restored
const projectId = n.project_id;
const portQuota = (await quotas.get(net, projectId)).port ?? 500;
await quotas.update(net, projectId, { port: -1 });
try {
  const v4 = await subnets.create(net, { network_id: n.id, cidr: '10.230.0.0/20', ip_version: 4 });
  await tags.add(net, 'subnets', v4.id, MESH_TAG);
  for (const size of sizes) {
    const stateDir = await mkdtemp(join(tmpdir(), 'osnet-wg-bench-'));
    const hub = await createHub(net, { host, subnets: [v4.id] });
    const made: string[] = [];
    try {
      const t0 = performance.now();
      for (let i = 0; i < size; i += 50) {
        const bodies = Array.from({ length: Math.min(50, size - i) }, () => ({
          network_id: n.id,
          device_owner: SPOKE_OWNER,
          port_security_enabled: false,
          fixed_ips: [{ subnet_id: v4.id }],
          'binding:profile': {
            public_key: generateKeyPair().publicKey,
            peers: [hub.id],
            persistent_keepalive: 25,
          },
        }));
        made.push(...(await ports.createMany(net, bodies)).map((p) => p.id));
      }
      await pool(made, 8, (id) => tags.add(net, 'ports', id, peerTag(hub.id)));
      const setup = (performance.now() - t0) / 1000;
      const agent = new Agent(net, { host, stateDir, endpointAddress: '127.0.0.1', statusIntervalMs: 0 });
      for (const label of ['first apply', 'no-op pass']) {
        const t = performance.now();
        const r = await agent.pass();
        const ms = performance.now() - t;
        if (r.failures.length) throw new Error(JSON.stringify(r.failures));
        // the machine is shared: the load beside each figure says how busy it was
        rows.push(
          `| ${size} | ${label} | ${ms.toFixed(0)} | ${r.neutronCalls} | ${r.neutronWrites} | ${r.kernelWrites} | ${loadavg()[0]!.toFixed(1)} | ${label === 'first apply' ? setup.toFixed(1) : ''} |`,
        );
        console.error(rows.at(-1));
      }
    } finally {
      await pool(made, 8, (id) => ports.removeIfExists(net, id));
      await ports.removeIfExists(net, hub.id);
      const ns = projectNamespace(hub.project_id);
      await new Exec().run(['ip', '-n', ns, 'link', 'del', interfaceName(hub.id)]).catch(() => undefined);
      await delNetns(ns);
      await rm(stateDir, { recursive: true, force: true });
    }
  }
} finally {
  await quotas.update(net, projectId, { port: portQuota });
  await networks.removeIfExists(net, n.id);
  await cloud.close();
}
console.log(
  '| spokes | pass | ms | Neutron calls | Neutron writes | kernel/UAPI writes | load (1 min) | set-up s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
