/**
 * The shared store's error codes (src/store/: the embedded store and PostgreSQL behind one query layer).
 * Both dialects map their native failures to these, so a caller retries or answers the same way whichever
 * store runs. Loading this module registers them.
 *
 * @example
 *   throw new OsnetError('OSNET_ERR_STORE_CONFLICT', 'could not serialize access', { cause: err });
 */
import { defineErrors } from '../lib/errors.ts';

export const STORE_ERRORS = defineErrors('store', {
  // SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY, PostgreSQL 23505
  OSNET_ERR_STORE_UNIQUE: { http: 409, cni: 100, exit: 65, title: 'A row with this key already exists' },
  // SQLite SQLITE_CONSTRAINT_FOREIGNKEY, PostgreSQL 23503: a row still referenced, or referring to none
  OSNET_ERR_STORE_REFERENCED: {
    http: 409,
    cni: 100,
    exit: 65,
    title: 'The row is referenced by, or refers to, a missing row',
  },
  // PostgreSQL 40001 / 40P01, SQLite SQLITE_BUSY after busy_timeout: the transaction may be retried as is
  OSNET_ERR_STORE_CONFLICT: {
    http: 409,
    cni: 11,
    exit: 75,
    title: 'A concurrent transaction conflicted; retry',
  },
  OSNET_ERR_STORE_UNAVAILABLE: { http: 503, cni: 11, exit: 69, title: 'The store does not answer' },
  OSNET_ERR_STORE_EXHAUSTED: {
    http: 507,
    cni: 100,
    exit: 75,
    title: 'A key space of the store is used up',
  },
});

type StoreErrors = typeof STORE_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends StoreErrors {}
}
