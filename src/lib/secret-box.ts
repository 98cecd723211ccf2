/**
 * Secrets at rest: AES-256-GCM with a random 96-bit nonce per message and a key id, so a sealed value
 * says which key opened it and a wrong key is a clear error, not garbage. A sealed value is one line of
 * text: `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url). `aad` binds a value to where it is stored
 * (a provider's uuid): moved to another row it no longer opens.
 *
 * A key is 32 random bytes, given as 64 hex digits or base64 (`openssl rand -hex 32`); its id is the first
 * 8 hex digits of its SHA-256, which reveals nothing usable about it.
 *
 * @example
 *   const box = secretBox(parseKey(process.env.OSNET_PORTAL_SECRET_KEY!, 'OSNET_PORTAL_SECRET_KEY'));
 *   const sealed = box.seal('s3cret', 'provider:1234');
 *   box.open(sealed, 'provider:1234'); // 's3cret'
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { OsnetError } from './errors.ts';

export interface SecretBox {
  /** The key's id (8 hex digits), as written into every sealed value. */
  readonly keyId: string;
  seal(plain: string, aad?: string): string;
  /** Throws OSNET_ERR_CONFIG for another key's value, OSNET_ERR_DECODE for a damaged or moved one. */
  open(sealed: string, aad?: string): string;
}

/** A key from its text (64 hex digits or base64 of 32 bytes); `field` names where it came from. */
export function parseKey(text: string, field: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t)
    ? Buffer.from(t, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(t)
      ? Buffer.from(t, 'base64')
      : undefined;
  if (key?.length !== 32)
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${field}: the secret key must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)`,
      { field },
    );
  return key as Buffer;
}

/** A new random key, as hex text. */
export function generateKey(): string {
  return randomBytes(32).toString('hex');
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new TypeError('secretBox: the key must be 32 bytes');
  const id = keyId(key);
  return {
    keyId: id,
    seal(plain, aad = '') {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(Buffer.from(aad));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', id, nonce, ct, c.getAuthTag()]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed, aad = '') {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== 'v1')
        throw new OsnetError('OSNET_ERR_DECODE', 'sealed secret: not a v1 value');
      if (parts[1] !== id)
        throw new OsnetError(
          'OSNET_ERR_CONFIG',
          `sealed secret: made with key ${parts[1]}, but the key loaded is ${id}`,
        );
      const [nonce, ct, tag] = parts.slice(2).map((p) => Buffer.from(p, 'base64url'));
      try {
        const d = createDecipheriv('aes-256-gcm', key, nonce!);
        d.setAAD(Buffer.from(aad));
        d.setAuthTag(tag!);
        return Buffer.concat([d.update(ct!), d.final()]).toString('utf8');
      } catch {
        throw new OsnetError('OSNET_ERR_DECODE', 'sealed secret: damaged, or sealed for another place');
      }
    },
  };
}
