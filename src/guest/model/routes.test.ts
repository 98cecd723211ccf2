import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inSubnet, isLinkLocal6 } from './ip.ts';
import { defaultDestination, isDefaultRoute, needsOnLink, routableNow } from './routes.ts';

const v4 = [{ cidr: '192.0.2.10/24', family: 4 as const }];
const v6 = [{ cidr: '2001:db8:1::5/64', family: 6 as const }];

test('link-local is all of fe80::/10 and nothing else', () => {
  for (const a of ['fe80::1', 'fe80::', 'fe90::1', 'febf:ffff::1', 'FE80::1']) assert.ok(isLinkLocal6(a), a);
  for (const a of ['fec0::1', 'fe7f::1', '2001:db8::1', '169.254.0.1', 'nonsense'])
    assert.ok(!isLinkLocal6(a), a);
});

test('inSubnet masks both sides by the prefix', () => {
  assert.ok(inSubnet('192.0.2.1', '192.0.2.10/24', 4));
  assert.ok(!inSubnet('192.0.3.1', '192.0.2.10/24', 4));
  assert.ok(inSubnet('10.0.0.9', '10.0.0.8/31', 4));
  assert.ok(!inSubnet('10.0.0.10', '10.0.0.8/31', 4));
  assert.ok(inSubnet('2001:db8:1::1', '2001:db8:1::5/64', 6));
  assert.ok(!inSubnet('2001:db8:2::1', '2001:db8:1::5/64', 6));
});

test('on-link: a gateway outside every static subnet of its family, never a link-local one', () => {
  const r = (via: string, family: 4 | 6) => ({ to: defaultDestination(family), via, family });
  assert.equal(needsOnLink(r('192.0.2.1', 4), v4), false);
  assert.equal(needsOnLink(r('198.51.100.1', 4), v4), true);
  assert.equal(needsOnLink(r('192.0.2.1', 4), []), true, 'DHCP NIC: subnet unknown before the lease');
  assert.equal(needsOnLink(r('2001:db8:1::1', 6), v4), true, 'an IPv4 address says nothing about IPv6');
  assert.equal(needsOnLink(r('2001:db8:1::1', 6), v6), false);
  assert.equal(needsOnLink(r('fe90::1', 6), []), false);
});

test('routable now: an address of the family, or an IPv6 link-local gateway', () => {
  const r = (via: string, family: 4 | 6) => ({ to: defaultDestination(family), via, family });
  assert.ok(routableNow(r('198.51.100.1', 4), v4));
  assert.ok(!routableNow(r('192.0.2.1', 4), v6));
  assert.ok(routableNow(r('febf::1', 6), v4));
  assert.ok(!routableNow(r('2001:db8:1::1', 6), v4));
});

test('default routes', () => {
  assert.ok(isDefaultRoute({ to: defaultDestination(4) }));
  assert.ok(isDefaultRoute({ to: defaultDestination(6) }));
  assert.ok(!isDefaultRoute({ to: '0.0.0.0/1' }));
});
