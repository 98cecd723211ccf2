import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { parse } from './parse.ts';
import { dropAbsentLinks, parseMacMap, readSystemMacs, resolveNames } from './resolve-names.ts';

const M = (n: number) => `fa:16:3e:00:00:0${n}`;

const bonded = () =>
  parse({
    links: [
      { id: 'p0', type: 'phy', ethernet_mac_address: M(1) },
      { id: 'p1', type: 'phy', ethernet_mac_address: M(2) },
      { id: 'b', type: 'bond', bond_links: ['p0', 'p1'], bond_mode: 4 },
      { id: 'v', type: 'vlan', vlan_link: 'b', vlan_id: 123 },
      { id: 'p2', type: 'tap', ethernet_mac_address: M(3) },
      { id: 'v2', type: 'vlan', vlan_link: 'p2', vlan_id: 7 },
    ],
    networks: [
      { id: 'n0', link: 'v', type: 'ipv4_dhcp' },
      { id: 'n1', link: 'v2', type: 'ipv4_dhcp' },
    ],
  });

test('physical links are named by MAC, never by order; bonds and VLANs derive theirs', () => {
  // The map deliberately lists NICs in a different order than links[].
  const named = resolveNames(bonded(), parseMacMap(`ens5=${M(3)},ens4=${M(2)},ens3=${M(1)}`));
  assert.deepEqual(
    named.links.map((l) => l.name),
    ['ens3', 'ens4', 'bond0', 'bond0.123', 'ens5', 'ens5.7'],
  );
});

test('a bond keeps the name the input gives it; over-long VLAN names fall back to vlan<id>', () => {
  const cfg = parse({
    links: [
      { id: 'p0', type: 'phy', ethernet_mac_address: M(1) },
      { id: 'b', type: 'bond', bond_links: ['p0'], bond_mode: 1, name: 'bond9' },
      { id: 'p1', type: 'phy', ethernet_mac_address: M(2) },
      { id: 'v', type: 'vlan', vlan_link: 'p1', vlan_id: 4000 },
    ],
    networks: [],
  });
  const named = resolveNames(cfg, parseMacMap(`enp0s31f6np0=${M(1)},enp0s31f6np1=${M(2)}`));
  assert.equal(named.links[1]?.name, 'bond9');
  // enp0s31f6np1.4000 is 17 characters, over the kernel's 15
  assert.equal(named.links[3]?.name, 'vlan4000');
});

test('resolveNames does not mutate its input', () => {
  const cfg = bonded();
  resolveNames(cfg, parseMacMap(`a=${M(1)},b=${M(2)},c=${M(3)}`));
  assert.equal(cfg.links[0]?.name, undefined);
});

test('a MAC missing from the system is an error naming the link', () => {
  assert.throws(
    () => resolveNames(bonded(), parseMacMap(`ens3=${M(1)},ens5=${M(3)}`)),
    (e: unknown) =>
      e instanceof OsnetError &&
      e.code === 'OSNET_ERR_NIC_NOT_FOUND' &&
      e.field === '$.links[1].ethernet_mac_address' &&
      /link p1/.test(e.message) &&
      e.message.includes(M(2)),
  );
});

test('dropAbsentLinks removes a gone NIC and what hangs off it', () => {
  const { cfg, dropped } = dropAbsentLinks(bonded(), parseMacMap(`ens3=${M(1)},ens4=${M(2)}`));
  assert.deepEqual(dropped.sort(), ['p2', 'v2']);
  assert.deepEqual(
    cfg.networks.map((n) => n.id),
    ['n0'],
  );
  const both = dropAbsentLinks(bonded(), parseMacMap(`ens5=${M(3)}`));
  assert.deepEqual(both.dropped.sort(), ['b', 'p0', 'p1', 'v']);
  const one = dropAbsentLinks(bonded(), parseMacMap(`ens3=${M(1)},ens5=${M(3)}`));
  const bond = one.cfg.links.find((l) => l.id === 'b');
  assert.deepEqual(bond?.kind === 'bond' && bond.members, ['p0'], 'a bond keeps its remaining member');
});

test('parseMacMap validates names and MACs', () => {
  assert.deepEqual(
    [...parseMacMap(' eth0=FA:16:3E:00:00:01 , eth1=fa:16:3e:00:00:02,')],
    [
      ['fa:16:3e:00:00:01', 'eth0'],
      ['fa:16:3e:00:00:02', 'eth1'],
    ],
  );
  for (const bad of [
    'eth0',
    'eth0=zz',
    '=fa:16:3e:00:00:01',
    `a=${M(1)},b=${M(1)}`,
    `a=${M(1)},a=${M(2)}`,
    `a/b=${M(1)}`,
  ]) {
    assert.throws(
      () => parseMacMap(bad),
      (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === '--mac-map',
      bad,
    );
  }
});

test('readSystemMacs reads a sysfs tree, skipping loopback, bonds, VLANs and bridges', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osg-fake-sys-'));
  try {
    const dev = async (name: string, files: Record<string, string>, device = false) => {
      await mkdir(join(root, name), { recursive: true });
      for (const [f, v] of Object.entries(files)) {
        await mkdir(join(root, name, f, '..'), { recursive: true });
        await writeFile(join(root, name, f), `${v}\n`);
      }
      if (device) await symlink('/', join(root, name, 'device'));
    };
    await dev('lo', { type: '772', address: '00:00:00:00:00:00' });
    await dev('ens3', { type: '1', address: 'FA:16:3E:00:00:01', uevent: 'INTERFACE=ens3' }, true);
    // ens4 is enslaved to a bond: its current MAC is the bond's, its permanent one is its own.
    await dev('ens4', { type: '1', address: M(1), 'bonding_slave/perm_hwaddr': M(2) }, true);
    await dev('bond0', { type: '1', address: M(1), 'bonding/mode': 'active-backup 1' });
    await dev('ens3.5', { type: '1', address: M(1), uevent: 'DEVTYPE=vlan\nINTERFACE=ens3.5' });
    await dev('br0', { type: '1', address: M(3), uevent: 'DEVTYPE=bridge' });
    await dev('veth9', { type: '1', address: M(4) });
    const macs = await readSystemMacs(root);
    assert.deepEqual([...macs].sort(), [
      [M(1), 'ens3'],
      [M(2), 'ens4'],
      [M(4), 'veth9'],
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('readSystemMacs on the live system finds the loopback-free NIC list', async () => {
  const macs = await readSystemMacs();
  for (const [mac, name] of macs) {
    assert.match(mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.notEqual(name, 'lo');
  }
});

test('readSystemMacs names the directory it cannot read', async () => {
  await assert.rejects(
    readSystemMacs('/nonexistent-osg'),
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_IO',
  );
});
