/**
 * API tokens: 40 hex digits (DRF's shape, which Waldur clients expect), sent as `Authorization: Token <key>`.
 * Only the key's SHA-256 is stored, so a copy of the database holds no usable token; the key is shown once,
 * when made. A token may expire (`lifetimeSeconds`); an expired one is refused and removed.
 *
 * @example
 *   const key = await issueToken(db, user.uuid, { lifetimeSeconds: 3600 });
 *   const user = await userOfToken(db, key); // undefined when unknown, expired or the user is inactive
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PortalDB, UserRow } from '../store/schema.ts';

export function tokenDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function issueToken(
  db: Kysely<PortalDB>,
  userUuid: string,
  o: { lifetimeSeconds?: number | undefined; now?: Date } = {},
): Promise<{ key: string; expires: string | null }> {
  const key = randomBytes(20).toString('hex');
  const at = o.now ?? new Date();
  const expires = o.lifetimeSeconds ? new Date(at.getTime() + o.lifetimeSeconds * 1000).toISOString() : null;
  await db
    .insertInto('portal_tokens')
    .values({ digest: tokenDigest(key), user_uuid: userUuid, created: at.toISOString(), expires })
    .execute();
  return { key, expires };
}

export async function userOfToken(db: Kysely<PortalDB>, key: string): Promise<UserRow | undefined> {
  if (!/^[0-9a-f]{40}$/.test(key)) return undefined;
  const digest = tokenDigest(key);
  const row = await db
    .selectFrom('portal_tokens')
    .innerJoin('portal_users', 'portal_users.uuid', 'portal_tokens.user_uuid')
    .selectAll('portal_users')
    .select('portal_tokens.expires')
    .where('portal_tokens.digest', '=', digest)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.expires !== null && row.expires <= new Date().toISOString()) {
    await db.deleteFrom('portal_tokens').where('digest', '=', digest).execute();
    return undefined;
  }
  const { expires: _, ...user } = row;
  return user.is_active ? user : undefined;
}
