import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNI_ERR, CniError } from './errors.ts';
import { type CniResult, convertResult, formatResult, parseResult } from './result.ts';
import { compareVersions, SUPPORTED_VERSIONS } from './versions.ts';

/** A result using every field of 1.1.0, dual stack. */
const FULL: CniResult = {
  interfaces: [
    { name: 'br-int' },
    { name: 'tap1', mac: 'fa:16:3e:00:00:01', mtu: 1450, socketPath: '/run/vhu/tap1.sock' },
    { name: 'eth0', mac: 'fa:16:3e:00:00:02', mtu: 1450, sandbox: '/run/netns/pod', pciID: '0000:04:00.5' },
  ],
  ips: [
    { address: '10.0.0.5/24', gateway: '10.0.0.1', interface: 2 },
    { address: '2001:db8::5/64', gateway: '2001:db8::1', interface: 2 },
  ],
  routes: [
    { dst: '0.0.0.0/0', gw: '10.0.0.1', mtu: 1400, advmss: 1360, priority: 100, table: 200, scope: 0 },
    { dst: '::/0', gw: '2001:db8::1' },
    { dst: '169.254.169.254/32', scope: 253 },
  ],
  dns: { nameservers: ['10.0.0.2'], domain: 'pods.test', search: ['pods.test'], options: ['ndots:5'] },
};

const V11_INTERFACE_KEYS = ['mtu', 'socketPath', 'pciID'];
const V11_ROUTE_KEYS = ['mtu', 'advmss', 'priority', 'table', 'scope'];

describe('result shape per version', () => {
  for (const v of SUPPORTED_VERSIONS) {
    it(`${v}`, () => {
      const out = formatResult(FULL, v) as {
        cniVersion: string;
        interfaces: Record<string, unknown>[];
        ips: Record<string, unknown>[];
        routes: Record<string, unknown>[];
        dns: Record<string, unknown>;
      };
      const legacy = compareVersions(v, '1.0.0') < 0;
      const v11 = v === '1.1.0';
      assert.equal(out.cniVersion, v);
      assert.deepEqual(Object.keys(out), ['cniVersion', 'interfaces', 'ips', 'routes', 'dns']);
      // ips[].version: present and right before 1.0.0, gone from 1.0.0 on
      assert.deepEqual(
        out.ips.map((ip) => ip.version),
        legacy ? ['4', '6'] : [undefined, undefined],
      );
      assert.deepEqual(
        out.ips.map((ip) => ip.address),
        ['10.0.0.5/24', '2001:db8::5/64'],
      );
      for (const i of out.interfaces) {
        for (const k of V11_INTERFACE_KEYS)
          assert.equal(k in i, v11 && FULL.interfaces!.some((f) => f.name === i.name && k in f));
      }
      assert.equal(out.interfaces[2]!.sandbox, '/run/netns/pod');
      assert.equal(out.interfaces[1]!.mac, 'fa:16:3e:00:00:01');
      for (const k of V11_ROUTE_KEYS) assert.equal(k in out.routes[0]!, v11, `${v} route ${k}`);
      assert.equal(out.routes[0]!.gw, '10.0.0.1');
      assert.deepEqual(out.dns, FULL.dns);
      // what we write, we read back in the same version
      const back = parseResult(out);
      assert.equal(back.version, v);
      assert.deepEqual(formatResult(back.result, v), out);
    });
  }
});

describe('conversion', () => {
  it('up and down between every pair keeps everything both versions have', () => {
    for (const from of SUPPORTED_VERSIONS) {
      for (const to of SUPPORTED_VERSIONS) {
        const converted = convertResult(formatResult(FULL, from), to);
        const direct = formatResult(parseResult(formatResult(FULL, from)).result, to);
        assert.deepEqual(converted, direct, `${from} -> ${to}`);
        // what the lower of the two has survives the trip
        const lower = compareVersions(from, to) < 0 ? from : to;
        assert.deepEqual(
          formatResult(parseResult(converted).result, lower),
          formatResult(FULL, lower),
          `${from} -> ${to}`,
        );
      }
    }
  });

  it('1.1.0 -> 1.0.0 -> 1.1.0 loses exactly the 1.1.0 fields', () => {
    const down = convertResult(formatResult(FULL, '1.1.0'), '1.0.0');
    const up = parseResult(convertResult(down, '1.1.0')).result;
    assert.deepEqual(up.interfaces, [
      { name: 'br-int' },
      { name: 'tap1', mac: 'fa:16:3e:00:00:01' },
      { name: 'eth0', mac: 'fa:16:3e:00:00:02', sandbox: '/run/netns/pod' },
    ]);
    assert.deepEqual(up.routes, [
      { dst: '0.0.0.0/0', gw: '10.0.0.1' },
      { dst: '::/0', gw: '2001:db8::1' },
      { dst: '169.254.169.254/32' },
    ]);
  });

  it('0.4.0 -> 1.0.0 drops ips[].version; 1.0.0 -> 0.3.1 derives it from the address', () => {
    const old = {
      cniVersion: '0.4.0',
      ips: [
        { version: '6', address: 'fd00::9/64' },
        { version: '4', address: '192.0.2.9/28', gateway: '192.0.2.1' },
      ],
    };
    const v1 = convertResult(old, '1.0.0');
    assert.deepEqual(v1, {
      cniVersion: '1.0.0',
      ips: [{ address: 'fd00::9/64' }, { address: '192.0.2.9/28', gateway: '192.0.2.1' }],
    });
    assert.deepEqual(convertResult(v1, '0.3.1'), { ...old, cniVersion: '0.3.1' });
  });

  it('an IPAM-style result (no interfaces, no interface index) converts too; empty dns stays', () => {
    const ipam = { cniVersion: '1.0.0', ips: [{ address: '10.1.0.5/16', gateway: '10.1.0.1' }], dns: {} };
    assert.deepEqual(convertResult(ipam, '0.3.0'), {
      cniVersion: '0.3.0',
      ips: [{ version: '4', address: '10.1.0.5/16', gateway: '10.1.0.1' }],
      dns: {},
    });
  });

  it('a result without cniVersion is read in the version given (libcni: the config one)', () => {
    const r = parseResult({ ips: [{ address: '10.0.0.1/8', version: '4' }] }, { version: '0.4.0' });
    assert.equal(r.version, '0.4.0');
  });
});

describe('invalid results name the field', () => {
  const cases: [unknown, string, number?][] = [
    [[], 'result'],
    [{ cniVersion: '0.2.0' }, 'result.cniVersion', CNI_ERR.INCOMPATIBLE_VERSION],
    [{}, 'result.cniVersion', CNI_ERR.INCOMPATIBLE_VERSION],
    [{ cniVersion: '1.0.0', interfaces: {} }, 'result.interfaces'],
    [{ cniVersion: '1.0.0', interfaces: [{}] }, 'result.interfaces[0].name'],
    [{ cniVersion: '1.0.0', interfaces: [{ name: 'e', mac: 'zz' }] }, 'result.interfaces[0].mac'],
    [{ cniVersion: '1.1.0', interfaces: [{ name: 'e', mtu: -1 }] }, 'result.interfaces[0].mtu'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1' }] }, 'result.ips[0].address'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1/33' }] }, 'result.ips[0].address'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1/8', gateway: 'fe80::1' }] }, 'result.ips[0].gateway'],
    [{ cniVersion: '0.4.0', ips: [{ address: '10.0.0.1/8', version: '6' }] }, 'result.ips[0].version'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1/8', interface: 0 }] }, 'result.ips[0].interface'],
    [
      { cniVersion: '1.0.0', interfaces: [{ name: 'a' }], ips: [{ address: '10.0.0.1/8', interface: 1 }] },
      'result.ips[0].interface',
    ],
    [{ cniVersion: '1.0.0', routes: [{ gw: '10.0.0.1' }] }, 'result.routes[0].dst'],
    [{ cniVersion: '1.0.0', routes: [{ dst: '0.0.0.0/0', gw: 'x' }] }, 'result.routes[0].gw'],
    [{ cniVersion: '1.1.0', routes: [{ dst: '0.0.0.0/0', scope: 256 }] }, 'result.routes[0].scope'],
    [{ cniVersion: '1.1.0', routes: [{ dst: '0.0.0.0/0', table: 1.5 }] }, 'result.routes[0].table'],
    [{ cniVersion: '1.0.0', dns: [] }, 'result.dns'],
    [{ cniVersion: '1.0.0', dns: { nameservers: ['resolver'] } }, 'result.dns.nameservers[0]'],
    [{ cniVersion: '1.0.0', dns: { search: 'a' } }, 'result.dns.search'],
  ];
  for (const [input, field, code] of cases) {
    it(`${field}: ${JSON.stringify(input).slice(0, 80)}`, () => {
      assert.throws(
        () => parseResult(input),
        (e: unknown) =>
          e instanceof CniError &&
          e.field === field &&
          e.message.includes(field) &&
          e.code === (code ?? CNI_ERR.DECODE),
      );
    });
  }

  it('a prevResult in a config gets code 7 and its own path', () => {
    assert.throws(
      () =>
        parseResult({ cniVersion: '1.0.0', ips: [{}] }, { path: 'prevResult', code: CNI_ERR.INVALID_CONFIG }),
      (e: unknown) => e instanceof CniError && e.code === 7 && e.field === 'prevResult.ips[0].address',
    );
  });
});
