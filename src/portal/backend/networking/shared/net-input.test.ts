// Offline: address parsing and checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { parseCidr, parseIp, requireInside } from './net-input.ts';

const field = (f: string) => (e: unknown) => e instanceof OsnetError && e.field === f;

test('IPv4 and IPv6 CIDRs: network bounds, host bits allowed, bad prefixes refused', () => {
  const v4 = parseCidr('10.1.2.3/24', 'c');
  assert.deepEqual([v4.version, v4.prefix], [4, 24]);
  assert.equal(v4.first, parseIp('10.1.2.0', 'x').value);
  assert.equal(v4.last, parseIp('10.1.2.255', 'x').value);
  const v6 = parseCidr('fd00:1::/64', 'c');
  assert.equal(v6.first, parseIp('fd00:1::', 'x').value);
  assert.equal(v6.last, parseIp('fd00:1::ffff:ffff:ffff:ffff', 'x').value);
  assert.equal(parseIp('::ffff:10.0.0.1', 'x').value, (0xffffn << 32n) | parseIp('10.0.0.1', 'x').value);
  assert.throws(() => parseCidr('10.0.0.0/33', 'body.cidr'), field('body.cidr'));
  assert.throws(() => parseCidr('fd00::/129', 'body.cidr'), field('body.cidr'));
  assert.throws(() => parseCidr('10.0.0.0', 'body.cidr'), field('body.cidr'));
  assert.throws(() => parseIp('10.0.0.256', 'body.ip'), field('body.ip'));
});

test('requireInside: version and bounds', () => {
  const net = parseCidr('192.168.42.0/24', 'c');
  assert.doesNotThrow(() => requireInside(net, '192.168.42.254', 'g'));
  assert.throws(() => requireInside(net, '192.168.43.1', 'body.gateway_ip'), field('body.gateway_ip'));
  assert.throws(() => requireInside(net, 'fd00::1', 'body.gateway_ip'), field('body.gateway_ip'));
});
