import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OsnetError } from './errors.ts';
import { generateKey, parseKey, secretBox } from './secret-box.ts';

describe('secret box', () => {
  const key = parseKey(generateKey(), 'KEY');

  it('opens what it sealed, and never shows the plain text in the sealed value', () => {
    const box = secretBox(key);
    const sealed = box.seal('p@ss word ü', 'provider:1');
    assert.ok(!sealed.includes('p@ss'));
    assert.equal(sealed.split('.')[1], box.keyId);
    assert.equal(box.open(sealed, 'provider:1'), 'p@ss word ü');
    assert.notEqual(box.seal('x'), box.seal('x'), 'a fresh nonce each time');
  });

  it('refuses a value moved to another place, damaged, or sealed with another key', () => {
    const box = secretBox(key);
    const sealed = box.seal('secret', 'provider:1');
    assert.throws(() => box.open(sealed, 'provider:2'), { code: 'OSNET_ERR_DECODE' });
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0]! ^= 1;
    parts[3] = flipped.toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'provider:1'), { code: 'OSNET_ERR_DECODE' });
    const other = secretBox(parseKey(generateKey(), 'KEY'));
    assert.throws(
      () => other.open(sealed, 'provider:1'),
      (e: OsnetError) => {
        assert.equal(e.code, 'OSNET_ERR_CONFIG');
        assert.ok(e.message.includes(box.keyId));
        return true;
      },
    );
  });

  it('takes a key as hex or base64 and names the field of a bad one', () => {
    const hex = generateKey();
    const b64 = Buffer.from(hex, 'hex').toString('base64');
    assert.deepEqual(parseKey(b64, 'F'), parseKey(hex, 'F'));
    for (const bad of ['', 'abc', 'z'.repeat(64), Buffer.alloc(16).toString('hex')])
      assert.throws(() => parseKey(bad, '--secret-key-file'), { field: '--secret-key-file' });
  });
});
