/**
 * Password hashes: scrypt (node:crypto) with a 16-byte random salt per user, stored with its parameters
 * (`scrypt$N$r$p$salt$hash`) so they can be raised later without breaking old hashes; checked with a
 * constant-time compare. An empty stored hash never matches.
 *
 * @example
 *   const stored = await hashPassword('correct horse');
 *   await verifyPassword('correct horse', stored); // true
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const LEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, LEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// checked against a hash of the same cost when the user is unknown, so the answer time says nothing
const DUMMY = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(LEN).toString('base64url')}`;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parts = (stored || DUMMY).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const want = Buffer.from(parts[5]!, 'base64url');
  const got = await derive(password, Buffer.from(parts[4]!, 'base64url'), n!, r!, p!);
  return want.length === got.length && timingSafeEqual(want, got) && Boolean(stored);
}

/** A generated password: 24 random characters of base64url. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
