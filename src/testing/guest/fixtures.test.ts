/**
 * The fixture corpus itself: every file indexed with its origin, negative cases rejected by parse with
 * the JSON path the index names, and a deterministic MAC map.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from '../../guest/model/parse.ts';
import { resolveNames } from '../../guest/model/resolve-names.ts';
import { OsnetError } from '../../lib/errors.ts';
import { deriveMacMap, FIXTURES_DIR, loadFixtures } from './fixtures.ts';

const fixtures = loadFixtures();

test('every fixture file is indexed, and every entry has an origin', () => {
  const onDisk = ['samples', 'cases', 'invalid'].flatMap((d) =>
    readdirSync(join(FIXTURES_DIR, d)).map((f) => join(FIXTURES_DIR, d, f)),
  );
  assert.deepEqual(onDisk.sort(), fixtures.map((f) => f.path).sort());
  for (const f of fixtures) {
    const o = f.origin;
    const copied = typeof o.repo === 'string' && typeof o.commit === 'string' && typeof o.path === 'string';
    assert.ok(copied || typeof o.derivedFrom === 'string' || typeof o.by === 'string', `${f.name}: origin`);
    if (typeof o.derivedFrom === 'string')
      assert.ok(fixtures.some((x) => x.path === join(FIXTURES_DIR, o.derivedFrom as string)));
  }
  assert.equal(fixtures.filter((f) => f.path.includes('/samples/')).length, 27);
});

for (const f of fixtures.filter((x) => x.invalid)) {
  test(`invalid: ${f.name} is rejected naming ${f.invalid?.field}`, () => {
    assert.throws(
      () => parse(f.raw),
      (e: unknown) =>
        e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === f.invalid?.field,
    );
  });
}

test('every valid fixture parses and every NIC gets a name from the MAC map', () => {
  for (const f of fixtures.filter((x) => !x.invalid)) {
    const cfg = resolveNames(parse(f.raw), f.macMap);
    for (const l of cfg.links) assert.ok(l.name, `${f.name}: ${l.id}`);
  }
});

test('the MAC map names NICs eth0.. over non-bond, non-VLAN links in link order, MACs lower-cased', () => {
  const raw = {
    links: [
      { id: 'a', type: 'phy', ethernet_mac_address: 'FA:16:3E:00:00:0B' },
      { id: 'b', type: 'bond', ethernet_mac_address: 'fa:16:3e:00:00:0b' },
      { id: 'c', type: 'vlan', vlan_mac_address: 'fa:16:3e:00:00:0c' },
      { id: 'd', type: 'ovs', ethernet_mac_address: 'fa:16:3e:00:00:0a' },
    ],
  };
  assert.deepEqual(
    [...deriveMacMap(raw)],
    [
      ['fa:16:3e:00:00:0b', 'eth0'],
      ['fa:16:3e:00:00:0a', 'eth1'],
    ],
  );
  assert.deepEqual(deriveMacMap([1, 2]), new Map());
});
