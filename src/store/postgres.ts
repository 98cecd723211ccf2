/**
 * The PostgreSQL side: Kysely's PostgresDialect over a pg Pool, with native failures mapped to the store's
 * typed errors (mapping-driver.ts). int8 (count(*), sums) comes back as a number, as on SQLite: the store's
 * counts stay far below 2^53.
 */
import { type Dialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../lib/log.ts';
import { redactText } from '../lib/redact.ts';
import { MappingDialect } from './mapping-driver.ts';

const INT8 = 20;

export interface PostgresOptions {
  url: string;
  /** Pool size (default 10). */
  max?: number;
  log?: Logger;
}

export function postgresDialect(opts: PostgresOptions): { dialect: Dialect; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as never,
    },
  });
  // an idle client whose server went away emits 'error' on the pool; unhandled, that would crash the process
  pool.on('error', (err) =>
    opts.log?.warn({ err: redactText(err.message) }, 'store: idle PostgreSQL connection lost'),
  );
  return { dialect: new MappingDialect(new PostgresDialect({ pool })), pool };
}
