/**
 * Proves the lab answers like an OpenStack cloud, with the project's own client: an admin creates a network,
 * a subnet and a port bound to this host (OVN binds it: vif_type ovs), reads it back and deletes all three
 * (404 after); a tenant's network stays invisible to the other tenant. Prints each step's milliseconds.
 * Exit 0 = passed. Run by scripts/lab/smoke (which points OS_CLIENT_CONFIG_FILE at the lab's clouds.yaml).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { toOsnetError } from '../../src/lib/errors.ts';
import { type Cloud, openCloud } from '../../src/openstack/client/cloud.ts';
import { NotFoundError } from '../../src/openstack/client/errors.ts';
import type { ServiceClient } from '../../src/openstack/client/service-client.ts';

interface Net {
  id: string;
}
interface Port {
  id: string;
  status: string;
  mac_address: string;
  'binding:host_id': string;
  'binding:vif_type': string;
  fixed_ips: { ip_address: string }[];
}

const hex = randomBytes(2).toString('hex');
const tag = `smoke-${hex}`;
const LAB = process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab';
const sh = promisify(execFile);
const vsctl = (...args: string[]) =>
  sh('ovs-vsctl', [`--db=unix:${LAB}/run/ovs/db.sock`, '--timeout=10', ...args]);
const cleanups: (() => Promise<unknown>)[] = [];
const clouds: Cloud[] = [];

async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await fn();
  console.log(`ok   ${what} (${Math.round(performance.now() - t)} ms)`);
  return out;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function gone(net: ServiceClient, path: string): Promise<boolean> {
  try {
    await net.get(path);
    return false;
  } catch (e) {
    if (e instanceof NotFoundError) return true;
    throw e;
  }
}

/** POSTs one Neutron resource (`{key: attrs}` to `plural`) and queues its delete. */
async function make<T extends { id: string }>(
  net: ServiceClient,
  plural: string,
  key: string,
  attrs: Record<string, unknown>,
): Promise<T> {
  const { body } = await net.post<Record<string, T>>(plural, { body: { [key]: attrs } });
  const made = body[key] as T;
  cleanups.push(() => net.delete(`${plural}/${made.id}`));
  return made;
}

async function open(name: string): Promise<ServiceClient> {
  const cloud = await openCloud({ cloud: name });
  clouds.push(cloud);
  return cloud.network();
}

/**
 * Two ports plugged the way a CNI plugin would: a veth per port, its outer end on br-int with
 * external_ids:iface-id, its inner end in a netns (osnet-smk<hex>-N) with the port's MAC and IP.
 * OVN binds them (Neutron says ACTIVE) and one pings the other.
 */
async function dataplane(admin: ServiceClient, networkId: string, host: string): Promise<void> {
  const ports: Port[] = [];
  for (const i of [1, 2]) {
    const p = await step(
      `dataplane: port ${i} created, plugged into br-int from netns osnet-smk${hex}-${i}`,
      async () => {
        const port = await make<Port>(admin, 'ports', 'port', {
          name: `${tag}-vm${i}`,
          network_id: networkId,
          device_owner: 'compute:osnet-smoke',
          'binding:host_id': host,
        });
        const ns = `osnet-smk${hex}-${i}`;
        const outer = `osnet-${hex}${i}h`;
        const inner = `osnet-${hex}${i}c`;
        await sh('ip', ['netns', 'add', ns]);
        cleanups.push(() => sh('ip', ['netns', 'del', ns]));
        await sh('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
        cleanups.push(() => sh('ip', ['link', 'del', outer]));
        await sh('ip', ['link', 'set', inner, 'netns', ns]);
        await sh('ip', ['-n', ns, 'link', 'set', inner, 'address', port.mac_address, 'mtu', '1442']);
        await sh('ip', ['-n', ns, 'addr', 'add', `${port.fixed_ips[0]?.ip_address}/24`, 'dev', inner]);
        await sh('ip', ['-n', ns, 'link', 'set', inner, 'up']);
        await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        await sh('ip', ['link', 'set', outer, 'up']);
        // the userspace datapath does not fill in checksums offloaded to a veth: TCP would fail
        await sh('ethtool', ['-K', outer, 'tx', 'off']);
        await sh('ip', ['netns', 'exec', ns, 'ethtool', '-K', inner, 'tx', 'off']);
        await vsctl(
          'add-port',
          'br-int',
          outer,
          '--',
          'set',
          'Interface',
          outer,
          `external_ids:iface-id=${port.id}`,
          `external_ids:attached-mac=${port.mac_address}`,
          'external_ids:iface-status=active',
        );
        cleanups.push(() => vsctl('--if-exists', 'del-port', 'br-int', outer));
        return port;
      },
    );
    ports.push(p);
  }
  await step('dataplane: both ports ACTIVE in Neutron', async () => {
    for (const p of ports) {
      let status = '';
      for (let i = 0; i < 150 && status !== 'ACTIVE'; i++) {
        if (i) await new Promise((r) => setTimeout(r, 200));
        status = (await admin.get<{ port: Port }>(`ports/${p.id}`)).body.port.status;
      }
      check(status === 'ACTIVE', `port ${p.id} is ${status} after 30 s`);
    }
  });
  const target = ports[1]?.fixed_ips[0]?.ip_address ?? '';
  await step(`dataplane: ping ${ports[0]?.fixed_ips[0]?.ip_address} -> ${target} through OVN`, async () => {
    await sh('ip', ['netns', 'exec', `osnet-smk${hex}-1`, 'ping', '-c', '2', '-i', '0.2', '-W', '2', target]);
  });
  // take the plumbing down now, in reverse, so the deletes below start from a clean network
  for (let i = 0; i < 2 * 4; i++) await cleanups.pop()?.();
}

async function main(): Promise<void> {
  const admin = await step('lab-admin: token and network endpoint from the catalog', () => open('lab-admin'));
  const net = await step('create network', () =>
    make<Net>(admin, 'networks', 'network', { name: `${tag}-net` }),
  );
  const sub = await step('create subnet 10.250.0.0/24', () =>
    make<Net>(admin, 'subnets', 'subnet', {
      name: `${tag}-sub`,
      network_id: net.id,
      ip_version: 4,
      cidr: '10.250.0.0/24',
    }),
  );
  const host = hostname();
  const port = await step(`create port bound to host ${host}`, () =>
    make<Port>(admin, 'ports', 'port', {
      name: `${tag}-port`,
      network_id: net.id,
      device_owner: 'compute:osnet-smoke',
      'binding:host_id': host,
      'binding:profile': { osnet: 'smoke' },
    }),
  );
  await step('port read back: bound by OVN (vif_type ovs), has an address', async () => {
    const { body } = await admin.get<{ port: Port }>(`ports/${port.id}`);
    check(body.port['binding:host_id'] === host, `binding:host_id is ${body.port['binding:host_id']}`);
    check(body.port['binding:vif_type'] === 'ovs', `binding:vif_type is ${body.port['binding:vif_type']}`);
    check(body.port.fixed_ips[0]?.ip_address.startsWith('10.250.0.') === true, 'fixed IP in 10.250.0.0/24');
  });
  await dataplane(admin, net.id, host);
  for (const [what, path] of [
    ['port', `ports/${port.id}`],
    ['subnet', `subnets/${sub.id}`],
    ['network', `networks/${net.id}`],
  ] as const) {
    const undo = cleanups.pop();
    await step(`delete ${what}, then 404`, async () => {
      await undo?.();
      check(await gone(admin, path), `${what} still there after delete`);
    });
  }

  const demo = await step('lab-demo: token', () => open('lab-demo'));
  const demo2 = await step('lab-demo2: token', () => open('lab-demo2'));
  const dnet = await step('demo creates its own network', () =>
    make<Net>(demo, 'networks', 'network', { name: `${tag}-demo` }),
  );
  await step("demo2 cannot see demo's network (404)", async () => {
    check(await gone(demo2, `networks/${dnet.id}`), 'demo2 sees the network of demo');
  });
  await step('demo deletes its network', async () => {
    await cleanups.pop()?.();
  });
}

const t0 = performance.now();
let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  const err = toOsnetError(e);
  console.error(`FAIL ${err.code}: ${err.message}`);
} finally {
  for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
  for (const c of clouds) await c.close();
}
console.log(
  `${failed ? 'SMOKE FAILED' : 'SMOKE PASSED'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
process.exit(failed ? 1 : 0);
