import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../lib/errors.ts';
import { Netns } from '../../../testing/guest/netns.ts';
import { parse } from '../../model/parse.ts';
import { parseMacMap, resolveNames } from '../../model/resolve-names.ts';
import { applyIp } from './apply.ts';
import { targetsFromConfig } from './plan.ts';

const MAC0 = 'fa:16:3e:10:00:01';
const MAC1 = 'fa:16:3e:10:00:02';
const macs = parseMacMap(`osg-a0=${MAC0},osg-a1=${MAC1}`);

let ns: Netns;
let dir: string;
let stateFile: string;

before(async () => {
  ns = await Netns.create('ipapply');
  await ns.addVeth('osg-a0', MAC0);
  await ns.addVeth('osg-a1', MAC1);
  dir = await mkdtemp(join(tmpdir(), 'osg-ipapply-'));
  stateFile = join(dir, 'ip-state.json');
});
after(async () => {
  await ns.destroy();
  await rm(dir, { recursive: true, force: true });
});

type Doc = { links: Record<string, unknown>[]; networks: Record<string, unknown>[]; services: unknown[] };

function docA(): Doc {
  return {
    links: [
      { id: 'tap0', type: 'ovs', ethernet_mac_address: MAC0, mtu: 1450 },
      { id: 'tap1', type: 'ovs', ethernet_mac_address: MAC1, mtu: 9000 },
    ],
    networks: [
      {
        id: 'n0',
        link: 'tap0',
        type: 'ipv4',
        ip_address: '10.10.0.5',
        netmask: '255.255.255.0',
        routes: [
          { network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.10.0.1' },
          { network: '172.16.0.0', netmask: '255.240.0.0', gateway: '10.10.0.254' },
        ],
      },
      {
        id: 'n1',
        link: 'tap0',
        type: 'ipv6',
        ip_address: 'fd00:10::5',
        netmask: 'ffff:ffff:ffff:ffff::',
        routes: [{ network: '::', netmask: '::', gateway: 'fe80::1' }],
      },
      {
        id: 'n2',
        link: 'tap1',
        type: 'ipv4',
        ip_address: '10.20.0.5/24',
        routes: [
          { network: '0.0.0.0/0', gateway: '10.20.0.1' },
          { network: '192.168.50.0/24', gateway: '10.20.0.2' },
        ],
      },
    ],
    services: [],
  };
}

const named = (d: Doc) => resolveNames(parse(d), macs);
const NICS = ['osg-a0', 'osg-a1'];

test('applies addresses, MTU and routes; ip -j reads back exactly the request', async () => {
  const report = await applyIp(named(docA()), { netns: ns.name, stateFile });
  assert.deepEqual(report.touched.sort(), NICS);
  assert.deepEqual(report.missing, []);
  assert.deepEqual(ns.snapshot(NICS), {
    'osg-a0': {
      addrs: ['10.10.0.5/24', 'fd00:10::5/64'],
      mtu: 1450,
      routes: [
        '172.16.0.0/12 via 10.10.0.254 metric 0 proto static',
        'default via 10.10.0.1 metric 100 proto static',
        'default via fe80::1 metric 100 proto static',
      ],
    },
    'osg-a1': {
      addrs: ['10.20.0.5/24'],
      mtu: 9000,
      routes: [
        '192.168.50.0/24 via 10.20.0.2 metric 0 proto static',
        'default via 10.20.0.1 metric 200 proto static',
      ],
    },
  });
  const state = JSON.parse(await readFile(stateFile, 'utf8'));
  assert.deepEqual(Object.keys(state.nics).sort(), NICS);
});

test('applying the same config again runs no command', async () => {
  const report = await applyIp(named(docA()), { netns: ns.name, stateFile });
  assert.deepEqual(report.touched, []);
  assert.deepEqual(report.commands, []);
});

test('a change on one NIC touches only that NIC', async () => {
  const before = ns.snapshot(['osg-a0']);
  const d = docA();
  d.links[1]!.mtu = 1400;
  d.networks[2] = {
    id: 'n2',
    link: 'tap1',
    type: 'ipv4',
    ip_address: '10.30.0.7/24',
    routes: [{ network: '0.0.0.0/0', gateway: '10.30.0.1' }],
  };
  const report = await applyIp(named(d), { netns: ns.name, stateFile });
  assert.deepEqual(report.touched, ['osg-a1']);
  assert.ok(
    report.commands.every((c) => c.includes('osg-a1')),
    JSON.stringify(report.commands),
  );
  assert.deepEqual(ns.snapshot(['osg-a0']), before);
  assert.deepEqual(ns.snapshot(['osg-a1']), {
    'osg-a1': {
      addrs: ['10.30.0.7/24'],
      mtu: 1400,
      routes: ['default via 10.30.0.1 metric 200 proto static'],
    },
  });
});

test('a NIC that leaves the metadata loses what osnet-guest put there, and only that', async () => {
  // An address someone else added to the NIC is not ours to remove.
  ns.ip(['addr', 'add', '10.99.0.9/24', 'dev', 'osg-a1']);
  const before = ns.snapshot(['osg-a0']);
  const d = docA();
  d.links = [d.links[0]!];
  d.networks = d.networks.slice(0, 2);
  const report = await applyIp(named(d), { netns: ns.name, stateFile });
  assert.deepEqual(report.touched, ['osg-a1']);
  assert.deepEqual(ns.snapshot(['osg-a0']), before);
  assert.deepEqual(ns.addrs('osg-a1'), ['10.99.0.9/24']);
  assert.deepEqual(ns.routes('osg-a1'), []);
  ns.ip(['addr', 'del', '10.99.0.9/24', 'dev', 'osg-a1']);
});

test('a failing command rolls every touched NIC back to its previous state', async () => {
  await applyIp(named(docA()), { netns: ns.name, stateFile });
  // A route someone else installed (proto boot) that the new config's route collides with: the kernel
  // refuses the add with "File exists", a real fault in the middle of the apply.
  ns.ip(['route', 'add', '10.77.0.0/16', 'via', '10.20.0.9', 'dev', 'osg-a1']);
  const before = ns.snapshot(NICS);
  const stateBefore = await readFile(stateFile, 'utf8');
  const d = docA();
  d.links[0]!.mtu = 1300;
  (d.networks[0]!.routes as unknown[]).push({
    network: '10.60.0.0/16',
    gateway: '10.10.0.1',
    netmask: '255.255.0.0',
  });
  d.networks.push({ id: 'n3', link: 'tap1', type: 'ipv4', ip_address: '10.21.0.5/24' });
  (d.networks[2]!.routes as unknown[]).push({ network: '10.77.0.0/16', gateway: '10.20.0.1' });
  await assert.rejects(applyIp(named(d), { netns: ns.name, stateFile }), (e: unknown) => {
    assert.ok(e instanceof OsnetError);
    assert.equal(e.code, 'OSNET_ERR_APPLY');
    assert.match(e.message, /10\.77\.0\.0\/16.*File exists.*rolled back/);
    assert.deepEqual(e.details.touched, NICS);
    return true;
  });
  assert.deepEqual(ns.snapshot(NICS), before);
  assert.equal(await readFile(stateFile, 'utf8'), stateBefore, 'the state file is unchanged');
  ns.ip(['route', 'del', '10.77.0.0/16', 'via', '10.20.0.9', 'dev', 'osg-a1']);
});

test('a NIC named by the metadata but absent is reported, the others applied', async () => {
  const d = docA();
  d.links.push({ id: 'tap9', type: 'ovs', ethernet_mac_address: 'fa:16:3e:10:00:09' });
  const cfg = resolveNames(parse(d), parseMacMap(`osg-a0=${MAC0},osg-a1=${MAC1},osg-gone=fa:16:3e:10:00:09`));
  const report = await applyIp(cfg, { netns: ns.name, stateFile });
  assert.deepEqual(report.missing, ['osg-gone']);
});

test('targets: off-subnet gateways are on-link; routes of a DHCP-only family wait for the DHCP address', () => {
  const cfg = resolveNames(
    parse({
      links: [
        { id: 'a', type: 'ovs', ethernet_mac_address: MAC0 },
        { id: 'b', type: 'ovs', ethernet_mac_address: MAC1 },
      ],
      networks: [
        { id: 'd', link: 'a', type: 'ipv4_dhcp', routes: [{ network: '10.9.0.0/16', gateway: '10.6.0.1' }] },
        { id: 's6', link: 'a', type: 'ipv6_slaac', routes: [{ network: 'fd99::/48', gateway: 'fe80::1' }] },
        {
          id: 's',
          link: 'b',
          type: 'ipv4',
          ip_address: '10.7.0.10/24',
          routes: [{ network: '0.0.0.0/0', gateway: '10.7.1.1' }],
        },
      ],
    }),
    macs,
  );
  const t = targetsFromConfig(cfg);
  const a = t.get('osg-a0')!;
  assert.deepEqual(
    a.deferred.map((r) => r.to),
    ['10.9.0.0/16'],
  );
  assert.deepEqual(
    a.routes,
    [{ to: 'fd99::/48', via: 'fe80::1', family: 6, metric: 1024 }],
    'link-local gateways need no address',
  );
  assert.equal(a.dynamic, true);
  assert.deepEqual(t.get('osg-a1')!.routes, [
    { to: '0.0.0.0/0', via: '10.7.1.1', family: 4, metric: 200, onlink: true },
  ]);
});
