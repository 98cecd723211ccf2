/**
 * WireGuard keys: x25519 key pairs from node:crypto, as the base64 of their raw 32 bytes (what `wg genkey`
 * and `wg pubkey` print). The hub's private key is made on the network host and never leaves it.
 *
 * @example
 *   const { privateKey, publicKey } = generateKeyPair();
 *   publicKeyOf(privateKey) === publicKey; // true
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

function b64url(s: string): string {
  return Buffer.from(s, 'base64url').toString('base64');
}

/** A fresh x25519 pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return { privateKey: b64url(jwk.d!), publicKey: b64url(jwk.x!) };
}

/** The public key of a base64 private key. */
export function publicKeyOf(privateKey: string): string {
  const d = Buffer.from(privateKey, 'base64').toString('base64url');
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' });
  return b64url(createPublicKey(key).export({ format: 'jwk' }).x!);
}

/** A random 32-byte preshared key, base64 (`wg genpsk`). */
export function generatePresharedKey(): string {
  return randomBytes(32).toString('base64');
}

/** Whether `s` is the canonical base64 of exactly 32 bytes (44 characters ending in one `=`). */
export function isKey(s: unknown): boolean {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(s)) return false;
  return Buffer.from(s, 'base64').length === 32;
}

/** base64 key → lower-case hex, as the UAPI protocol writes keys. */
export function keyToHex(key: string): string {
  return Buffer.from(key, 'base64').toString('hex');
}

/** lower-case hex (UAPI) → base64 key. */
export function hexToKey(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
