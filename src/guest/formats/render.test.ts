/**
 * Every valid fixture × every format: render, then judge with the real tool (netplan generate, ifquery +
 * ifup --no-act, nmcli --offline, systemd-networkd in a private namespace, ip in an osr- netns) or the
 * strict checkers (sysconfig, PowerShell). The bar is zero errors and zero warnings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadFixtures } from '../../testing/guest/fixtures.ts';
import { runIfupdown } from '../../testing/guest/validate/ifupdown-run.ts';
import { VALIDATORS } from '../../testing/guest/validate/index.ts';
import type { IpValidationResult } from '../../testing/guest/validate/ip.ts';
import { runNetplanViaNetworkd, runNetworkd } from '../../testing/guest/validate/networkd-run.ts';
import { runNetworkManager } from '../../testing/guest/validate/networkmanager-run.ts';
import { parse } from '../model/parse.ts';
import { resolveNames } from '../model/resolve-names.ts';
import type { NetworkConfig } from '../model/types.ts';
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

/** The daemons that really configure NICs in a netns: describe title, runner, and what "ran" means. */
const LIVE_RUNS: {
  title: string;
  run: (cfg: NetworkConfig) => Promise<IpValidationResult>;
  ranTest: string;
}[] = [
  {
    title: 'ifupdown renderings configure real NICs: ifup/ifdown in an osr- netns, read back with ip -j',
    run: (cfg) => runIfupdown(RENDERERS.ifupdown(cfg), cfg),
    ranTest: 'static NICs of the corpus were really brought up',
  },
  {
    title: 'networkd renderings configure real NICs: systemd-networkd in an osr- netns, read back with ip -j',
    run: (cfg) => runNetworkd(RENDERERS.networkd(cfg), cfg),
    ranTest: 'static NICs of the corpus were really configured',
  },
  {
    title: 'netplan renderings configure real NICs: netplan generate, then systemd-networkd in an osr- netns',
    run: (cfg) => runNetplanViaNetworkd(RENDERERS.netplan(cfg), cfg),
    ranTest: 'static NICs of the corpus were really configured',
  },
  {
    title: 'NetworkManager renderings configure real NICs: NetworkManager (own D-Bus) in an osr- netns',
    run: (cfg) => runNetworkManager(RENDERERS.networkmanager(cfg), cfg),
    ranTest: 'static NICs of the corpus were really activated',
  },
];

for (const live of LIVE_RUNS) {
  describe(live.title, () => {
    let ran = 0;
    for (const f of valid) {
      test(f.name, async () => {
        const cfg = resolveNames(parse(f.raw), f.macMap);
        const r = await live.run(cfg);
        assert.deepEqual(r.errors, []);
        ran += cfg.links.length - r.skipped.length;
      });
    }
    test(live.ranTest, () => {
      assert.ok(ran >= 15, `only ${ran} NICs ran`);
    });
  });
}

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
