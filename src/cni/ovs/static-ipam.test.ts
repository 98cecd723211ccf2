/**
 * osnet-ovs's in-process `static` against Debian's real static plugin (containernetworking-plugins) as the
 * oracle: the same config gives the same ips, routes and dns; malformed entries name their `ipam.…` field;
 * CHECK refuses a prevResult without the configured address or with another gateway; inputs only the real
 * plugin reads send the call to it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CniError } from '../errors.ts';
import { execPluginFile } from '../exec-plugin.ts';
import { parseResult } from '../result.ts';
import { staticCheck, staticInProcess, staticResult } from './static-ipam.ts';

const STATIC = '/usr/lib/cni/static';
const skip = existsSync(STATIC) ? false : `${STATIC} missing (containernetworking-plugins)`;

const ipams = [
  { type: 'static', addresses: [{ address: '10.1.2.3/24', gateway: '10.1.2.1' }] },
  {
    type: 'static',
    addresses: [
      { address: '10.1.2.3/24', gateway: '10.1.2.1' },
      { address: 'fd00:1:2::3/64', gateway: 'fd00:1:2::1' },
    ],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '192.168.0.0/16', gw: '10.1.2.254' }, { dst: '::/0' }],
    dns: { nameservers: ['10.1.2.53', 'fd00:1:2::53'], domain: 'example.org', search: ['example.org'] },
  },
  {
    type: 'static',
    addresses: [{ address: 'fd00:9::5/64' }],
    routes: [{ dst: 'fd00:8::/64', gw: 'fd00:9::1' }],
  },
];

test('in-process static gives what Debian static gives, for each config', { skip }, async () => {
  for (const ipam of ipams) {
    const conf = { cniVersion: '1.0.0', name: 'n', type: 'osnet-ovs', ipam };
    const env = {
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/proc/self/ns/net',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
    };
    const { stdout } = await execPluginFile(STATIC, 'static', 'ADD', conf, env);
    const oracle = parseResult(JSON.parse(stdout), { version: '1.0.0' }).result;
    assert.ok(staticInProcess(conf, {}));
    assert.deepEqual(staticResult(ipam), oracle, JSON.stringify(ipam));
  }
});

test('a malformed static entry is code 7 naming its ipam field', () => {
  const bad = (ipam: Record<string, unknown>, field: string) =>
    assert.throws(
      () => staticResult({ type: 'static', ...ipam }),
      (e: unknown) => e instanceof CniError && e.code === 7 && e.field === field && e.message.includes(field),
      field,
    );
  bad({ addresses: [{ address: '10.1.2.3' }] }, 'ipam.addresses[0].address');
  bad({ addresses: [{ address: '10.1.2.3/24', gateway: 'fd00::1' }] }, 'ipam.addresses[0].gateway');
  bad({ addresses: 'x' }, 'ipam.addresses');
  bad({ addresses: [], routes: [{ dst: 'nowhere' }] }, 'ipam.routes[0].dst');
  bad({ addresses: [], dns: { nameservers: ['dns.example'] } }, 'ipam.dns.nameservers[0]');
});

test('static CHECK: the configured address must be in prevResult with its gateway (IPs compared, not text)', () => {
  const ipam = ipams[1]!;
  const prev = {
    ips: [
      { address: '10.1.2.3/24', gateway: '10.1.2.1' },
      { address: 'fd00:1:2:0::3/64', gateway: 'fd00:1:2:0:0::1' },
    ],
  };
  staticCheck(ipam, prev);
  assert.throws(
    () => staticCheck(ipam, { ips: prev.ips.slice(0, 1) }),
    /fd00:1:2::3\/64 is not in prevResult/,
  );
  assert.throws(
    () => staticCheck(ipam, { ips: [{ address: '10.1.2.3/24', gateway: '10.1.2.9' }, prev.ips[1]!] }),
    /10\.1\.2\.3 has gateway 10\.1\.2\.9 in prevResult, the config says 10\.1\.2\.1/,
  );
});

test('what only the real static reads sends the call to it', () => {
  const conf = { ipam: ipams[0] };
  assert.equal(staticInProcess(conf, {}), true);
  assert.equal(staticInProcess(conf, { IP: '10.9.9.9/24' }), false);
  assert.equal(staticInProcess(conf, { GATEWAY: '10.9.9.1' }), false);
  assert.equal(staticInProcess({ ...conf, args: { cni: { ips: ['10.9.9.9/24'] } } }, {}), false);
  assert.equal(staticInProcess({ ...conf, runtimeConfig: { ips: ['10.9.9.9/24'] } }, {}), false);
  assert.equal(staticInProcess({ ipam: { type: 'host-local' } }, {}), false);
});
