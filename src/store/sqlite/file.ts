/**
 * Opens the embedded store's file: its directory (0700) and the file (0600) created first, so neither the
 * database nor its -wal/-shm files (SQLite gives them the main file's mode) are ever readable by others;
 * then WAL (readers do not block the writer) and foreign keys (off by default in SQLite).
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OsnetError } from '../../lib/errors.ts';

export const BUSY_TIMEOUT_MS = 5000;

export function openSqliteFile(file: string): DatabaseSync {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  } catch (err) {
    throw new OsnetError('OSNET_ERR_IO', `embedded store ${file}: ${(err as Error).message}`, {
      field: '--db',
      cause: err,
    });
  }
  const db = new DatabaseSync(file);
  try {
    // the switch to WAL may wait for another opener (synchronously: a short wait, once)
    db.exec(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec('pragma journal_mode = wal');
    // WAL + NORMAL: a crash loses at most the last commits, never the file's consistency
    db.exec('pragma synchronous = normal');
    db.exec('pragma foreign_keys = on');
    // from here on the connection waits for locks itself, without blocking the event loop (connection.ts)
    db.exec('pragma busy_timeout = 0');
  } catch (err) {
    db.close();
    throw new OsnetError('OSNET_ERR_IO', `embedded store ${file}: ${(err as Error).message}`, {
      field: '--db',
      cause: err,
    });
  }
  return db;
}
