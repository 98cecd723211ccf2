import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './log.ts';
import { registerSecret } from './redact.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n') };
}

test('log lines never carry a password, token or registered secret, by key or by value', () => {
  registerSecret('app-cred-secret-value-77');
  const { stream, lines } = capture();
  const log = createLogger('t', {}, stream);
  log.info(
    { auth: { username: 'demo', password: 'pw-in-object' }, headers: { 'x-auth-token': 'gAAAAtok' } },
    'auth',
  );
  log.info(
    { nested: { deep: { application_credential_secret: 'x1', note: 'uses app-cred-secret-value-77' } } },
    'deep',
  );
  log.warn('retrying with app-cred-secret-value-77 and X-Auth-Token: gAAAAB123');
  log.error({ err: new Error('Keystone said app-cred-secret-value-77 is wrong') }, 'failed');
  const out = lines().join('\n');
  for (const secret of ['pw-in-object', 'gAAAAtok', 'x1"', 'app-cred-secret-value-77', 'gAAAAB123']) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
  assert.equal(lines().length, 4);
  const first = JSON.parse(lines()[0]!);
  assert.equal(first.auth.username, 'demo');
  assert.equal(first.auth.password, '***');
  const err = JSON.parse(lines()[3]!).err;
  assert.match(err.message, /^Keystone said \*\*\* is wrong$/);
  assert.match(err.stack, /Error: Keystone said \*\*\* is wrong/);
});
