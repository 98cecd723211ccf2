// The thin plugin's own SHA-256 against node:crypto: FIPS 180-4's examples, every length around the block
// and padding edges, and non-ASCII text.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { sha256Hex } from './sha256.ts';

const ref = (s: string) => createHash('sha256').update(s).digest('hex');

it('gives the FIPS 180-4 example digests', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

it('agrees with node:crypto for every length from 0 to 300 and for non-ASCII text', () => {
  for (let n = 0; n <= 300; n++) {
    const s = randomBytes(n).toString('latin1');
    assert.equal(sha256Hex(s), ref(s), `length ${n}`);
  }
  for (const s of ['conteneur/éth0', '容器/eth0', '🙂/net1']) assert.equal(sha256Hex(s), ref(s), s);
});
