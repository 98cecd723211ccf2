import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Exec } from '../../host/exec.ts';
import { OsnetError } from '../../lib/errors.ts';
import { Netns } from '../../testing/guest/netns.ts';
import { treeSums } from '../../testing/guest/tree.ts';
import { parse } from '../model/parse.ts';
import { parseMacMap, resolveNames } from '../model/resolve-names.ts';
import { simpleDiff } from './files.ts';
import { applyConfig } from './index.ts';

// The ifupdown format applied for real: ifup/ifdown run inside a network namespace against a target root.
const MAC0 = 'fa:16:3e:30:00:01';
const MAC1 = 'fa:16:3e:30:00:02';
const MAC2 = 'fa:16:3e:30:00:03';
const macs = parseMacMap(`osg-i0=${MAC0},osg-i1=${MAC1},osg-m0=${MAC2}`);
const NICS = ['osg-i0', 'osg-i1'];
const IFACES = '/etc/network/interfaces.d';

let ns: Netns;
let root: string;

/** A fresh target root with an interfaces file that sources the snippets. */
async function newRoot(): Promise<string> {
  const r = await mkdtemp(join(tmpdir(), 'osg-root-'));
  await mkdir(join(r, 'etc/network/interfaces.d'), { recursive: true });
  await mkdir(join(r, 'run/network'), { recursive: true });
  await writeFile(join(r, 'etc/network/interfaces'), `source ${r}/etc/network/interfaces.d/*\n`);
  return r;
}

before(async () => {
  ns = await Netns.create('ifupdown');
  await ns.addVeth('osg-i0', MAC0);
  await ns.addVeth('osg-i1', MAC1);
  // A NIC that cannot take jumbo frames: a macvlan's MTU cannot exceed its lower device's (1500).
  ns.ip([
    'link',
    'add',
    'link',
    'osg-i1p',
    'name',
    'osg-m0',
    'address',
    MAC2,
    'type',
    'macvlan',
    'mode',
    'bridge',
  ]);
  root = await mkdtemp(join(tmpdir(), 'osg-root-'));
  await mkdir(join(root, 'etc/network/interfaces.d'), { recursive: true });
  await mkdir(join(root, 'run/network'), { recursive: true });
  await writeFile(join(root, 'etc/network/interfaces'), `source ${root}/etc/network/interfaces.d/*\n`);
});
after(async () => {
  await ns.destroy();
  await rm(root, { recursive: true, force: true });
});

type Doc = { links: Record<string, unknown>[]; networks: Record<string, unknown>[]; services: unknown[] };
function doc(): Doc {
  return {
    links: [
      { id: 'a', type: 'ovs', ethernet_mac_address: MAC0, mtu: 1400 },
      { id: 'b', type: 'ovs', ethernet_mac_address: MAC1 },
    ],
    networks: [
      {
        id: 'n0',
        link: 'a',
        type: 'ipv4',
        ip_address: '10.40.0.2',
        netmask: '255.255.255.0',
        routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.40.0.1' }],
      },
      {
        id: 'n1',
        link: 'b',
        type: 'ipv4',
        ip_address: '10.41.0.2/24',
        routes: [{ network: '10.50.0.0/16', gateway: '10.41.0.1' }],
      },
    ],
    services: [{ type: 'dns', address: '10.40.0.53' }],
  };
}

async function apply(d: Doc, exec = new Exec()) {
  return applyConfig(resolveNames(parse(d), macs), {
    format: 'ifupdown',
    root,
    netns: ns.name,
    reconfigure: true,
    exec,
  });
}

test('ifupdown: files written, NICs brought up by ifup, state read back equals the request', async () => {
  const r = await apply(doc());
  assert.deepEqual(r.touched.sort(), NICS);
  assert.deepEqual(r.changes.map((c) => `${c.action} ${c.path}`).sort(), [
    `add ${IFACES}/50-osnet-osg-i0`,
    `add ${IFACES}/50-osnet-osg-i1`,
    'add /etc/resolv.conf',
  ]);
  assert.deepEqual(ns.snapshot(NICS), {
    'osg-i0': { addrs: ['10.40.0.2/24'], mtu: 1400, routes: ['default via 10.40.0.1 metric 100 proto boot'] },
    'osg-i1': {
      addrs: ['10.41.0.2/24'],
      mtu: 1500,
      routes: ['10.50.0.0/16 via 10.41.0.1 metric 0 proto boot'],
    },
  });
  assert.match(await readFile(join(root, 'etc/resolv.conf'), 'utf8'), /^nameserver 10\.40\.0\.53$/m);
});

test('ifupdown: unchanged metadata changes nothing and runs nothing', async () => {
  const exec = new Exec();
  const r = await apply(doc(), exec);
  assert.deepEqual(r.changes, []);
  assert.deepEqual(exec.history, []);
});

test('ifupdown: a changed NIC is taken down and up again; the other is not touched', async () => {
  const before = ns.snapshot(['osg-i0']);
  const d = doc();
  d.networks[1] = { id: 'n1', link: 'b', type: 'ipv4', ip_address: '10.42.0.2/24', routes: [] };
  const exec = new Exec();
  const r = await apply(d, exec);
  assert.deepEqual(r.touched, ['osg-i1']);
  assert.deepEqual(
    exec.history.filter((c) => !c.includes('-j')).map((c) => c.slice(4, 5).concat(c.at(-1)!)),
    [
      ['ifdown', 'osg-i1'],
      ['ifup', 'osg-i1'],
    ],
  );
  assert.deepEqual(ns.snapshot(['osg-i0']), before);
  assert.deepEqual(ns.addrs('osg-i1'), ['10.42.0.2/24']);
  assert.deepEqual(ns.routes('osg-i1'), []);
});

test('ifupdown: a NIC gone from the metadata is taken down and its file removed', async () => {
  const d = doc();
  d.links = [d.links[0]!];
  d.networks = [d.networks[0]!];
  const r = await apply(d);
  assert.deepEqual(r.touched, ['osg-i1']);
  assert.deepEqual(r.changes, [{ path: `${IFACES}/50-osnet-osg-i1`, action: 'remove', nic: 'osg-i1' }]);
  assert.deepEqual(ns.addrs('osg-i1'), []);
  await assert.rejects(readFile(join(root, IFACES, '50-osnet-osg-i1')), /ENOENT/);
});

test('ifupdown: when ifup fails, files and NIC state are rolled back', async () => {
  await apply(doc());
  const skip = ['var/lib/osnet-guest/backup', 'run/network'];
  const all = [...NICS, 'osg-m0'];
  const filesBefore = await treeSums(root, skip);
  const liveBefore = ns.snapshot(all);
  // osg-i0 changes address (its ifup succeeds), then the new NIC asks for MTU 9000, which the device
  // refuses: a real failure halfway through.
  const d = doc();
  d.networks[0]!.ip_address = '10.40.0.9';
  d.links.push({ id: 'm', type: 'ovs', ethernet_mac_address: MAC2, mtu: 9000 });
  d.networks.push({ id: 'n2', link: 'm', type: 'ipv4', ip_address: '10.43.0.2/24' });
  await assert.rejects(apply(d), (e: unknown) => {
    assert.ok(e instanceof OsnetError);
    assert.equal(e.code, 'OSNET_ERR_APPLY');
    assert.match(e.message, /ifup .*osg-m0.*rolled back/s);
    return true;
  });
  assert.deepEqual(await treeSums(root, skip), filesBefore);
  assert.deepEqual(ns.snapshot(all), liveBefore);
  assert.deepEqual(ns.addrs('osg-i0'), ['10.40.0.2/24']);
});

test('ifupdown under --root runs no host hooks: ifup and ifdown get --no-scripts', async () => {
  const d = doc();
  d.networks[1]!.ip_address = '10.41.0.7/24';
  const exec = new Exec();
  await apply(d, exec);
  const tools = exec.history.filter((c) => c.includes('ifup') || c.includes('ifdown'));
  assert.ok(tools.length >= 2, JSON.stringify(exec.history));
  for (const c of tools) assert.ok(c.includes('--no-scripts'), c.join(' '));
  await apply(doc());
});

test('--no-reconfigure reports no NIC reconfigured, bonds included', async () => {
  const r2 = await newRoot();
  try {
    const d = doc();
    d.links.push({ id: 'bd', type: 'bond', bond_links: ['b'], bond_mode: 1 });
    d.networks[1]!.link = 'bd';
    const r = await applyConfig(resolveNames(parse(d), macs), {
      format: 'ifupdown',
      root: r2,
      reconfigure: false,
    });
    assert.ok(r.changes.length > 0);
    assert.deepEqual(r.touched, []);
  } finally {
    await rm(r2, { recursive: true, force: true });
  }
});

// A hot-add where the global DNS list names each network's server (as Nova's metadata often does): every
// NIC's file changes, but only in DNS. The NIC already there must keep its link, addresses and routes.
test('ifupdown: a hot-add that changes only the DNS of the other NIC leaves that NIC alone (no lost ping)', async () => {
  const r2 = await newRoot();
  const peer = await Netns.create('ifpeer');
  const P0 = 'fa:16:3e:30:01:01';
  const P1 = 'fa:16:3e:30:01:02';
  const pm = parseMacMap(`osg-p0=${P0},osg-p1=${P1}`);
  const net = (id: string, link: string, cidr: string, gw?: string) => ({
    id,
    link,
    type: 'ipv4',
    ip_address: cidr,
    routes: gw ? [{ network: '0.0.0.0/0', gateway: gw }] : [],
    services: [{ type: 'dns', address: cidr.replace(/\.\d+\/24$/, '.53') }],
  });
  const one = {
    links: [{ id: 'p0', type: 'ovs', ethernet_mac_address: P0 }],
    networks: [net('n0', 'p0', '10.45.0.2/24', '10.45.0.1')],
    services: [{ type: 'dns', address: '10.45.0.53' }],
  };
  const two = {
    links: [...one.links, { id: 'p1', type: 'ovs', ethernet_mac_address: P1 }],
    networks: [...one.networks, net('n1', 'p1', '10.46.0.2/24')],
    services: [...one.services, { type: 'dns', address: '10.46.0.53' }],
  };
  const run = (d: unknown, exec = new Exec()) =>
    applyConfig(resolveNames(parse(d), pm), {
      format: 'ifupdown',
      root: r2,
      netns: ns.name,
      reconfigure: true,
      exec,
    });
  try {
    await ns.addVeth('osg-p0', P0);
    ns.movePeer('osg-p0', peer, '10.45.0.1/24');
    await run(one);
    assert.deepEqual(ns.addrs('osg-p0'), ['10.45.0.2/24']);
    const before = ns.snapshot(['osg-p0']);
    await ns.addVeth('osg-p1', P1);
    const events = await ns.monitor();
    const stopPing = await peer.ping('10.45.0.2');
    await new Promise((r) => setTimeout(r, 300));
    const exec = new Exec();
    const r = await run(two, exec);
    const ping = await stopPing();
    const seen = (await events()).filter((e) => /\bosg-p0\b/.test(e) && !/\bfe80:|\bff00::/.test(e));
    assert.deepEqual(r.changes.map((c) => `${c.action} ${c.nic ?? c.path}`).sort(), [
      'add osg-p1',
      'change /etc/resolv.conf',
      'change osg-p0',
    ]);
    assert.ok(!exec.history.some((c) => c.includes('osg-p0')), JSON.stringify(exec.history));
    assert.deepEqual(seen, [], 'no address or route event on the untouched NIC');
    assert.equal(ping.received, ping.sent, `lost ${ping.sent - ping.received} of ${ping.sent} pings`);
    assert.ok(ping.sent > 20, `${ping.sent} pings`);
    assert.deepEqual(ns.snapshot(['osg-p0']), before);
    assert.deepEqual(ns.addrs('osg-p1'), ['10.46.0.2/24']);
    assert.match(await readFile(join(r2, 'etc/resolv.conf'), 'utf8'), /^nameserver 10\.46\.0\.53$/m);
    assert.match(
      await readFile(join(r2, IFACES, '50-osnet-osg-p0'), 'utf8'),
      /dns-nameservers .*10\.46\.0\.53/,
    );
  } finally {
    await peer.destroy();
    for (const l of ['osg-p0', 'osg-p1'])
      await Promise.resolve()
        .then(() => ns.delLink(l))
        .catch(() => {});
    await rm(r2, { recursive: true, force: true });
  }
});

test('ifupdown: a NIC hot-removed, then a new NIC under its name, is configured (no stale "already configured")', async () => {
  const r2 = await newRoot();
  const A = 'fa:16:3e:30:02:01';
  const B = 'fa:16:3e:30:02:02';
  const d = (mac: string, cidr: string) => ({
    links: [{ id: 'h', type: 'ovs', ethernet_mac_address: mac }],
    networks: [{ id: 'nh', link: 'h', type: 'ipv4', ip_address: cidr }],
    services: [],
  });
  const run = (doc: unknown, map: string) =>
    applyConfig(resolveNames(parse(doc), parseMacMap(map)), {
      format: 'ifupdown',
      root: r2,
      netns: ns.name,
      reconfigure: true,
    });
  const state = () => readFile(join(r2, 'run/network/ifstate'), 'utf8').catch(() => '');
  try {
    await ns.addVeth('osg-h0', A);
    await run(d(A, '10.47.0.2/24'), `osg-h0=${A}`);
    assert.deepEqual(ns.addrs('osg-h0'), ['10.47.0.2/24']);
    assert.match(await state(), /^osg-h0=osg-h0$/m);
    // Hot-remove; the metadata drops it.
    ns.delLink('osg-h0');
    await run({ links: [], networks: [], services: [] }, '');
    assert.doesNotMatch(await state(), /osg-h0/, "ifupdown's state forgets the NIC that is gone");
    // A new NIC gets the same name (PCI-slot or ethN naming).
    await ns.addVeth('osg-h0', B);
    const r = await run(d(B, '10.47.0.3/24'), `osg-h0=${B}`);
    assert.deepEqual(r.touched, ['osg-h0']);
    assert.deepEqual(ns.addrs('osg-h0'), ['10.47.0.3/24']);
  } finally {
    await Promise.resolve()
      .then(() => ns.delLink('osg-h0'))
      .catch(() => {});
    await rm(r2, { recursive: true, force: true });
  }
});

test('ifupdown: a NIC whose files are unchanged but that is not configured is reconfigured, never reported fine', async () => {
  const r2 = await newRoot();
  const A = 'fa:16:3e:30:03:01';
  const doc1 = {
    links: [{ id: 'u', type: 'ovs', ethernet_mac_address: A }],
    networks: [{ id: 'nu', link: 'u', type: 'ipv4', ip_address: '10.48.0.2/24' }],
    services: [],
  };
  const run = () =>
    applyConfig(resolveNames(parse(doc1), parseMacMap(`osg-u0=${A}`)), {
      format: 'ifupdown',
      root: r2,
      netns: ns.name,
      reconfigure: true,
    });
  try {
    await ns.addVeth('osg-u0', A);
    await run();
    // The NIC goes away and comes back between two syncs (a quick replug): same name, same file, and
    // ifupdown's state still says configured while the new link is down with no address.
    ns.delLink('osg-u0');
    await ns.addVeth('osg-u0', A);
    assert.deepEqual(ns.addrs('osg-u0'), []);
    const r = await run();
    assert.deepEqual(r.changes, []);
    assert.deepEqual(r.touched, ['osg-u0']);
    assert.deepEqual(ns.addrs('osg-u0'), ['10.48.0.2/24']);
    const again = await run();
    assert.deepEqual(again.touched, [], 'configured now: nothing to do');
  } finally {
    await Promise.resolve()
      .then(() => ns.delLink('osg-u0'))
      .catch(() => {});
    await rm(r2, { recursive: true, force: true });
  }
});

test('simpleDiff marks added and removed lines', () => {
  assert.equal(simpleDiff('/x', 'a\nb\nc\n', 'a\nc\nd\n'), '--- a/x\n+++ b/x\n a\n-b\n c\n+d\n');
  assert.equal(simpleDiff('/x', undefined, 'n\n'), '--- /dev/null\n+++ b/x\n+n\n');
});
