/**
 * Semantic comparison with Debian's cloud-init 22.4.2 on the same samples and MAC map: per NIC the same
 * name, MTU, addresses, DHCP kinds, routes, DNS servers and search domains, in our model (what every
 * renderer reads) and in the files of every format read back. The only differences allowed are the
 * deliberate ones of docs/guest.md, applied by expectedFromCloudInit / expectedForFormat.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FORMATS, RENDERERS } from '../../../guest/formats/index.ts';
import { parse } from '../../../guest/model/parse.ts';
import { resolveNames } from '../../../guest/model/resolve-names.ts';
import { loadFixtures } from '../fixtures.ts';
import {
  cloudInitView,
  compareNics,
  expectedForFormat,
  expectedFromCloudInit,
  modelSemantics,
  type NicSemantics,
} from './cloudinit.ts';
import { canonical, READBACK } from './readback.ts';

const ALL: (keyof NicSemantics)[] = ['name', 'mtu', 'addresses', 'dhcp', 'routes', 'dns', 'search'];
const fixtures = loadFixtures();

describe('same per-NIC semantics as cloud-init 22.4.2', { concurrency: 2 }, () => {
  for (const f of fixtures.filter((x) => !x.invalid)) {
    test(f.name, async () => {
      const cfg = resolveNames(parse(f.raw), f.macMap);
      const ci = await cloudInitView(f.path, f.macMap);
      assert.equal(ci.version, '22.4.2');
      const expected = expectedFromCloudInit(ci, f.raw, cfg);
      assert.equal(expected.size, cfg.links.length);
      assert.deepEqual(compareNics(expected, modelSemantics(cfg), ALL), [], 'model');
      for (const format of FORMATS) {
        const { expected: want, aspects } = expectedForFormat(format, expected, cfg);
        const got = canonical(READBACK[format](RENDERERS[format](cfg), cfg));
        assert.deepEqual(compareNics(want, got, aspects), [], format);
      }
    });
  }
});

function fixture(name: string) {
  const f = fixtures.find((x) => x.name === name);
  assert.ok(f, name);
  return f;
}

test('the comparison catches a wrong address, route, MTU or DNS server', async () => {
  const f = fixture('osnet-vlan-bond-dns-mtu');
  const cfg = resolveNames(parse(f.raw), f.macMap);
  const expected = expectedFromCloudInit(await cloudInitView(f.path, f.macMap), f.raw, cfg);
  const [n0] = cfg.networks;
  assert.ok(n0);
  const broken = {
    ...cfg,
    links: cfg.links.map((l) => (l.id === 'vlan100' ? { ...l, mtu: 1400 } : l)),
    networks: cfg.networks.map((n) =>
      n === n0
        ? {
            ...n,
            address: '172.16.100.11',
            dns: ['192.0.2.1'],
            routes: n.routes.map((r) => ({ ...r, via: '172.16.100.2' })),
          }
        : n,
    ),
  };
  const aspects = compareNics(expected, modelSemantics(broken), ALL).map((d) => `${d.link}.${d.aspect}`);
  assert.deepEqual(aspects.sort(), ['vlan100.addresses', 'vlan100.dns', 'vlan100.mtu', 'vlan100.routes']);
});

test('the documented differences are real: cloud-init names NICs from links[].name and ignores network services DNS', async () => {
  const ovs = fixture('ci-configdrive-ovs-dhcp4-3nics');
  const ci = await cloudInitView(ovs.path, ovs.macMap);
  assert.equal(ci.links.get('tap1a5382f8-04')?.name, 'nic0');
  const cfg = resolveNames(parse(ovs.raw), ovs.macMap);
  assert.equal(cfg.links.find((l) => l.id === 'tap1a5382f8-04')?.name, 'eth2');

  const phy = fixture('ci-helpers-phy-static-network-dns');
  const ci2 = await cloudInitView(phy.path, phy.macMap);
  assert.deepEqual(ci2.links.get('tapcd9f6d46-4a')?.dns, []);
  const ours = modelSemantics(resolveNames(parse(phy.raw), phy.macMap));
  assert.deepEqual(ours.get('tapcd9f6d46-4a')?.dns, ['192.168.123.1']);
});

test('the documented difference is real: cloud-init keeps the gateway of a DHCP network as a static route', async () => {
  const f = fixture('osnet-dhcp-with-routes');
  const ci = await cloudInitView(f.path, f.macMap);
  assert.ok(ci.links.get('tapD')?.routes.includes('0.0.0.0/0 via 10.6.0.1'));
  const ours = modelSemantics(resolveNames(parse(f.raw), f.macMap));
  assert.deepEqual(ours.get('tapD')?.routes, ['172.31.0.0/16 via 10.6.0.254']);
  assert.deepEqual(ours.get('tapD')?.dhcp, ['dhcp4']);
});

test('where parse refuses, cloud-init accepts: two default gateways in one network (documented)', async () => {
  const f = fixture('ci-net-static6-type');
  const ci = await cloudInitView(f.path, f.macMap);
  assert.deepEqual(ci.links.get('tap1a81968a-79')?.routes, [
    '0.0.0.0/0 via 172.19.3.254',
    '0.0.0.0/0 via 172.20.3.254',
  ]);
  assert.throws(() => parse(f.raw), /two default gateways/);
});

test('every format read-back sees a changed address, and the comparison reports it', async () => {
  const f = fixture('osnet-vlan-bond-dns-mtu');
  const cfg = resolveNames(parse(f.raw), f.macMap);
  const expected = expectedFromCloudInit(await cloudInitView(f.path, f.macMap), f.raw, cfg);
  for (const format of FORMATS) {
    const files = RENDERERS[format](cfg).map((x) => ({
      ...x,
      content: x.content.replaceAll('172.16.100.10', '172.16.100.99'),
    }));
    const { expected: want, aspects } = expectedForFormat(format, expected, cfg);
    const diffs = compareNics(want, canonical(READBACK[format](files, cfg)), aspects);
    assert.deepEqual(
      diffs.map((d) => `${d.link}.${d.aspect}`),
      ['vlan100.addresses'],
      format,
    );
    assert.ok(JSON.stringify(diffs[0]?.ours).includes('172.16.100.99/24'), format);
  }
});
