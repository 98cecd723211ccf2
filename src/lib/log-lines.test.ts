import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createLogger } from './log.ts';
import { type Log, lineLogger } from './log-lines.ts';
import { registerSecret } from './redact.ts';

const dir = mkdtempSync(join(tmpdir(), 'osnet-log-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What `calls` writes through the small logger (to a file descriptor) and through pino's (a stream). */
function both(calls: (log: Log) => void, level = 'info'): { small: string[]; pino: string[] } {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(file, 'w', 0o600);
  try {
    calls(lineLogger('osnet-t', fd, level));
  } finally {
    closeSync(fd);
  }
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  calls(createLogger('osnet-t', { level }, stream));
  const lines = (s: string) => s.split('\n').filter((l) => l !== '');
  return { small: lines(readFileSync(file, 'utf8')), pino: lines(chunks.join('')) };
}

/** A line without its time (the two loggers write at different instants). */
function untimed(line: string): Record<string, unknown> {
  const o = JSON.parse(line) as Record<string, unknown>;
  assert.equal(typeof o.time, 'number');
  delete o.time;
  return o;
}

test('the small logger writes the lines pino writes: fields, order, levels, msg', () => {
  const { small, pino } = both((log) => {
    log.info({ nic: 'ens4', event: 'add', mac: 'fa:16:3e:00:00:01' }, 'NIC event');
    log.warn('no config drive; using the metadata service');
    log.error({ touched: ['ens3'], n: 2, ok: false, none: null }, 'apply failed');
    log.info({ only: 'fields' });
    log.debug({ hidden: true }, 'below the level');
    log.fatal({ x: 1 }, 'fatal');
  });
  assert.equal(small.length, 5);
  assert.deepEqual(small.map(untimed), pino.map(untimed));
  // same key order too (a reader greps `{"level":30,"time":`)
  assert.deepEqual(
    small.map((l) => Object.keys(JSON.parse(l))),
    pino.map((l) => Object.keys(JSON.parse(l))),
  );
});

test('OSNET_LOG_LEVEL levels as in pino: debug shows debug, silent nothing, an unknown level is refused', () => {
  const debug = both((log) => {
    log.trace('t');
    log.debug({ a: 1 }, 'd');
  }, 'debug');
  assert.equal(debug.small.length, 1);
  assert.deepEqual(debug.small.map(untimed), debug.pino.map(untimed));
  const silent = both((log) => log.fatal('f'), 'silent');
  assert.deepEqual(silent, { small: [], pino: [] });
  assert.throws(() => lineLogger('t', 2, 'loud'), /OSNET_LOG_LEVEL: unknown level loud/);
});

test('secrets are masked exactly as the pino logger masks them, by path, by key and by registered value', () => {
  registerSecret('registered-secret-value-42');
  const err = new Error('Keystone said registered-secret-value-42 is wrong');
  const { small, pino } = both((log) => {
    log.info(
      { auth: { username: 'demo', password: 'pw-in-object' }, headers: { 'x-auth-token': 'gAAAAtok' } },
      'auth',
    );
    // by path whatever the value: an object under `password`, a number under `token`
    log.info({ password: { hint: 'pw-object-value' }, token: 123456789, a: { secret: ['s-in-array'] } }, 'p');
    log.info(
      { nested: { deep: { application_credential_secret: 'x1', note: 'uses registered-secret-value-42' } } },
      'deep',
    );
    log.warn('retrying with registered-secret-value-42 and X-Auth-Token: gAAAAB123');
    log.error({ err }, 'failed');
  });
  const out = small.join('\n');
  for (const secret of [
    'pw-in-object',
    'gAAAAtok',
    'pw-object-value',
    '123456789',
    's-in-array',
    'x1"',
    'registered-secret-value-42',
    'gAAAAB123',
  ]) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
  assert.equal(small.length, 5);
  // One difference: pino's err serializer names the type of the redacted copy (Object), this one the error's.
  const typed = pino.map(untimed);
  (typed[4] as { err: { type: string } }).err.type = 'Error';
  assert.deepEqual(small.map(untimed), typed);
  assert.match(
    (JSON.parse(small[4]!) as { err: { stack: string } }).err.stack,
    /Error: Keystone said \*\*\* is wrong/,
  );
  assert.equal((JSON.parse(small[0]!) as { auth: { username: string } }).auth.username, 'demo');
});
