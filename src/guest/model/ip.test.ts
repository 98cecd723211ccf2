import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNetworkAddress, maskToPrefix, networkOf, parseIp } from './ip.ts';

test('IPv6 addresses come out in RFC 5952 canonical form', () => {
  const cases: [string, string][] = [
    ['2001:DB8::10', '2001:db8::10'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80:0:0:0:c096:67ff:fe5c:6e84', 'fe80::c096:67ff:fe5c:6e84'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['fdb8:52d0:9d14:0:f816:3eff:fe9f:70d', 'fdb8:52d0:9d14:0:f816:3eff:fe9f:70d'],
  ];
  for (const [input, want] of cases) assert.equal(parseIp(input)?.text, want, input);
});

test('malformed addresses are refused', () => {
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.0.0.1',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    'g::1',
    'fe80::1%eth0',
    ':::',
  ]) {
    assert.equal(parseIp(bad), undefined, bad);
  }
  assert.equal(parseIp('10.0.0.1', 6), undefined);
  assert.equal(parseIp('::1', 4), undefined);
});

test('masks and prefixes', () => {
  assert.equal(maskToPrefix('255.255.252.0', 4), 22);
  assert.equal(maskToPrefix('0.0.0.0', 4), 0);
  assert.equal(maskToPrefix('255.255.255.255', 4), 32);
  assert.equal(maskToPrefix('255.0.255.0', 4), undefined);
  assert.equal(maskToPrefix('ffff:ffff:ffff:ffff::', 6), 64);
  assert.equal(maskToPrefix('::', 6), 0);
  assert.equal(maskToPrefix('64', 6), 64);
  assert.equal(maskToPrefix('/24', 4), 24);
  assert.equal(maskToPrefix(129, 6), undefined);
  assert.equal(maskToPrefix('33', 4), undefined);
});

test('network address checks', () => {
  const a = parseIp('10.1.2.0')!;
  assert.ok(isNetworkAddress(a, 24));
  assert.ok(!isNetworkAddress(a, 16));
  assert.equal(networkOf(parseIp('10.1.2.3')!, 22), '10.1.0.0/22');
  assert.equal(networkOf(parseIp('2001:db8::10')!, 64), '2001:db8::/64');
});
