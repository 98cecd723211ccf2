/**
 * Every valid fixture × every format: render, then judge with the real tool (netplan generate, ifquery +
 * ifup --no-act, nmcli --offline, systemd-networkd in a private namespace, ip in an osr- netns) or the
 * strict checkers (sysconfig, PowerShell). The bar is zero errors and zero warnings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from '../model/parse.ts';
import { resolveNames } from '../model/resolve-names.ts';
import { loadFixtures } from '../validate/fixtures.ts';
import { runIfupdown } from '../validate/ifupdown-run.ts';
import { VALIDATORS } from '../validate/index.ts';
import { runNetplanViaNetworkd, runNetworkd } from '../validate/networkd-run.ts';
import { runNetworkManager } from '../validate/networkmanager-run.ts';
import { FORMATS, RENDERERS } from './index.ts';

const valid = loadFixtures().filter((f) => !f.invalid);

for (const format of FORMATS) {
  describe(`${format} renderings pass the real validator`, { concurrency: 2 }, () => {
    for (const f of valid) {
      test(f.name, async () => {
        const cfg = resolveNames(parse(f.raw), f.macMap);
        const files = RENDERERS[format](cfg);
        const r = await VALIDATORS[format](files, cfg);
        assert.deepEqual({ errors: r.errors, warnings: r.warnings }, { errors: [], warnings: [] }, r.tool);
      });
    }
  });
}

describe('ifupdown renderings configure real NICs: ifup/ifdown in an osr- netns, read back with ip -j', () => {
  let ran = 0;
  for (const f of valid) {
    test(f.name, async () => {
      const cfg = resolveNames(parse(f.raw), f.macMap);
      const r = await runIfupdown(RENDERERS.ifupdown(cfg), cfg);
      assert.deepEqual(r.errors, []);
      ran += cfg.links.length - r.skipped.length;
    });
  }
  test('static NICs of the corpus were really brought up', () => {
    assert.ok(ran >= 15, `only ${ran} NICs ran`);
  });
});

describe('networkd renderings configure real NICs: systemd-networkd in an osr- netns, read back with ip -j', () => {
  let ran = 0;
  for (const f of valid) {
    test(f.name, async () => {
      const cfg = resolveNames(parse(f.raw), f.macMap);
      const r = await runNetworkd(RENDERERS.networkd(cfg), cfg);
      assert.deepEqual(r.errors, []);
      ran += cfg.links.length - r.skipped.length;
    });
  }
  test('static NICs of the corpus were really configured', () => {
    assert.ok(ran >= 15, `only ${ran} NICs ran`);
  });
});

describe('netplan renderings configure real NICs: netplan generate, then systemd-networkd in an osr- netns', () => {
  let ran = 0;
  for (const f of valid) {
    test(f.name, async () => {
      const cfg = resolveNames(parse(f.raw), f.macMap);
      const r = await runNetplanViaNetworkd(RENDERERS.netplan(cfg), cfg);
      assert.deepEqual(r.errors, []);
      ran += cfg.links.length - r.skipped.length;
    });
  }
  test('static NICs of the corpus were really configured', () => {
    assert.ok(ran >= 15, `only ${ran} NICs ran`);
  });
});

describe('NetworkManager renderings configure real NICs: NetworkManager (own D-Bus) in an osr- netns', () => {
  let ran = 0;
  for (const f of valid) {
    test(f.name, async () => {
      const cfg = resolveNames(parse(f.raw), f.macMap);
      const r = await runNetworkManager(RENDERERS.networkmanager(cfg), cfg);
      assert.deepEqual(r.errors, []);
      ran += cfg.links.length - r.skipped.length;
    });
  }
  test('static NICs of the corpus were really activated', () => {
    assert.ok(ran >= 15, `only ${ran} NICs ran`);
  });
});

test('the corpus exercises what the renderers must handle', () => {
  const all = valid.map((f) => resolveNames(parse(f.raw), f.macMap));
  const links = all.flatMap((c) => c.links);
  const types = new Set(all.flatMap((c) => c.networks.map((n) => n.type)));
  const kinds = new Set<string>(links.map((l) => (l.kind === 'physical' ? l.type : l.kind)));
  const modes = new Set(links.flatMap((l) => (l.kind === 'bond' ? [l.mode] : [])));
  assert.equal(types.size, 7, `network types covered: ${[...types].join(', ')}`);
  for (const k of [
    'phy',
    'ethernet',
    'bridge',
    'ovs',
    'tap',
    'vif',
    'hw_veb',
    'hyperv',
    'vhostuser',
    'bond',
    'vlan',
  ]) {
    assert.ok(kinds.has(k), `link type ${k} covered`);
  }
  assert.equal(modes.size, 7, `bond modes covered: ${[...modes].join(', ')}`);
});
