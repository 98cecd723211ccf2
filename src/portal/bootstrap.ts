/**
 * The first staff user (`osnet-portal bootstrap`). Refused when a staff user exists, unless `force`, which
 * makes `username` staff and active again with the new password (the way back in when the password is
 * lost); the user's old tokens are revoked then. The password is the caller's, or a generated one that
 * the caller shows once.
 *
 * @example
 *   const { password, generated } = await bootstrapStaff(store, { username: 'admin' });
 */
import { OsnetError } from '../lib/errors.ts';
import { generatePassword, hashPassword } from './identity/password.ts';
import './error-codes.ts';
import { newUuid, now, type PortalStore } from './store/index.ts';

export interface BootstrapOptions {
  username: string;
  email?: string | undefined;
  password?: string | undefined;
  force?: boolean | undefined;
}

export async function bootstrapStaff(
  store: PortalStore,
  o: BootstrapOptions,
): Promise<{ uuid: string; password: string; generated: boolean; replaced: boolean }> {
  if (!/^[A-Za-z0-9@.+_-]{1,150}$/.test(o.username))
    throw new OsnetError('OSNET_ERR_VALIDATION', '--username: 1-150 letters, digits and @.+_-', {
      field: '--username',
    });
  if (o.password !== undefined && o.password.length < 8)
    throw new OsnetError('OSNET_ERR_VALIDATION', 'password: at least 8 characters', { field: 'password' });
  const password = o.password ?? generatePassword();
  const hash = await hashPassword(password);
  return store.db.transaction().execute(async (trx) => {
    const staff = await trx
      .selectFrom('portal_users')
      .select('username')
      .where('is_staff', '=', 1)
      .executeTakeFirst();
    if (staff && !o.force)
      throw new OsnetError(
        'OSNET_ERR_PORTAL_EXISTS',
        `a staff user exists already (${staff.username}); --force resets --username instead`,
        { field: '--force' },
      );
    const at = now();
    const had = await trx
      .selectFrom('portal_users')
      .select('uuid')
      .where('username', '=', o.username)
      .executeTakeFirst();
    const uuid = had?.uuid ?? newUuid();
    if (had) {
      await trx
        .updateTable('portal_users')
        .set({
          password: hash,
          is_staff: 1,
          is_active: 1,
          modified: at,
          ...(o.email ? { email: o.email } : {}),
        })
        .where('uuid', '=', uuid)
        .execute();
      await trx.deleteFrom('portal_tokens').where('user_uuid', '=', uuid).execute();
    } else {
      await trx
        .insertInto('portal_users')
        .values({
          uuid,
          username: o.username,
          email: o.email ?? '',
          full_name: '',
          password: hash,
          is_staff: 1,
          is_active: 1,
          created: at,
          modified: at,
        })
        .execute();
    }
    await trx
      .insertInto('portal_events')
      .values({
        uuid: newUuid(),
        created: at,
        event_type: 'user_bootstrap_succeeded',
        message: `staff user ${o.username} ${had ? 'reset' : 'created'} by bootstrap`,
        user_uuid: null,
        username: null,
        resource_type: 'user',
        resource_uuid: uuid,
        customer_uuid: null,
        context: JSON.stringify({ forced: Boolean(o.force) }),
      })
      .execute();
    return { uuid, password, generated: o.password === undefined, replaced: Boolean(had) };
  });
}
