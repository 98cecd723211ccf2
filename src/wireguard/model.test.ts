import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, isKey, publicKeyOf } from './keys.ts';
import { interfaceName, parseEndpoint, parseSpokeProfile } from './model.ts';

const key = generateKeyPair().publicKey;
const hub = '0f3d2c1b-aaaa-bbbb-cccc-123456789abc';

test('keys: x25519 pairs whose public key is derived again from the private one', () => {
  const k = generateKeyPair();
  assert.equal(publicKeyOf(k.privateKey), k.publicKey);
  assert.ok(isKey(k.publicKey));
  assert.equal(isKey(Buffer.alloc(31).toString('base64')), false);
  assert.equal(isKey(`${k.publicKey.slice(0, 42)}B=`), false, 'non-canonical last character');
});

test('endpoints: host:port, [v6]:port; bare v6, bad ports and junk refused', () => {
  assert.deepEqual(parseEndpoint('198.51.100.7:51820'), { host: '198.51.100.7', port: 51820 });
  assert.deepEqual(parseEndpoint('[2001:db8::1]:443'), { host: '2001:db8::1', port: 443 });
  assert.deepEqual(parseEndpoint('dev.example.org:1'), { host: 'dev.example.org', port: 1 });
  for (const bad of ['2001:db8::1', '1.2.3.4', '1.2.3.4:0', '1.2.3.4:70000', '[1.2.3.4]:5', 'a b:1', ''])
    assert.equal(typeof parseEndpoint(bad), 'string', bad);
});

test('interface names keep within the 15-character limit', () => {
  const n = interfaceName('8f0e2a6b-1c2d-4e5f-9a8b-7c6d5e4f3a2b');
  assert.equal(n, 'wg-8f0e2a6b1c2d');
  assert.ok(n.length <= 15);
});

test('spoke profile: every refusal names its field', () => {
  const ok = { public_key: key, peers: [hub] };
  assert.ok(parseSpokeProfile(ok).ok);
  const cases: [Record<string, unknown>, string][] = [
    [{ ...ok, public_key: 'abc' }, 'binding:profile.public_key'],
    [{ ...ok, peers: [] }, 'binding:profile.peers'],
    [{ ...ok, peers: ['x'] }, 'binding:profile.peers[0]'],
    [{ ...ok, peers: [hub, hub] }, 'binding:profile.peers'],
    [{ ...ok, endpoint: '2001:db8::1' }, 'binding:profile.endpoint'],
    [{ ...ok, persistent_keepalive: -1 }, 'binding:profile.persistent_keepalive'],
    [{ ...ok, persistent_keepalive: '25' }, 'binding:profile.persistent_keepalive'],
    [{ ...ok, preshared_key: generateKeyPair().publicKey }, 'binding:profile.preshared_key'],
    [{ ...ok, preshared_key: 'vault:x' }, 'binding:profile.preshared_key'],
    [{ ...ok, allowed_ips: ['10.0.0.0/33'] }, 'binding:profile.allowed_ips[0]'],
    [{ ...ok, allowed_ips: '10.0.0.0/8' }, 'binding:profile.allowed_ips'],
  ];
  for (const [p, field] of cases) {
    const r = parseSpokeProfile(p);
    assert.equal(r.ok, false, JSON.stringify(p));
    if (!r.ok) assert.equal(r.field, field);
  }
  const full = parseSpokeProfile({
    ...ok,
    endpoint: '[2001:db8::5]:51820',
    persistent_keepalive: 25,
    preshared_key: 'file:/etc/osnet/psk/a',
    allowed_ips: ['192.168.7.0/24', 'FD00::/64'],
  });
  assert.ok(full.ok);
  if (full.ok) assert.deepEqual(full.value.allowedIps, ['192.168.7.0/24', 'fd00::/64']);
});
