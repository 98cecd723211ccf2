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

test('simpleDiff marks added and removed lines', () => {
  assert.equal(simpleDiff('/x', 'a\nb\nc\n', 'a\nc\nd\n'), '--- a/x\n+++ b/x\n a\n-b\n c\n+d\n');
  assert.equal(simpleDiff('/x', undefined, 'n\n'), '--- /dev/null\n+++ b/x\n+n\n');
});
