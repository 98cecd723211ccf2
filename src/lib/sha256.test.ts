// SHA-256 of src/lib/sha256.ts against node:crypto.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sha256Hex } from './sha256.ts';

const ref = (s: string) => createHash('sha256').update(s).digest('hex');

test('sha256Hex: the FIPS 180-4 examples', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('sha256Hex equals node:crypto at every length around the block and padding edges, and for non-ASCII', () => {
  for (let n = 0; n <= 300; n++) {
    const s = randomBytes(n).toString('latin1');
    assert.equal(sha256Hex(s), ref(s), `length ${n}`);
  }
  const big = randomBytes(70_000).toString('base64');
  assert.equal(sha256Hex(big), ref(big));
  for (const s of ['é', '日本語 netplan', '🙂'.repeat(40), 'conteneur/éth0', '容器/eth0'])
    assert.equal(sha256Hex(s), ref(s));
});
