import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASK, redactObject, redactText, registerSecret } from './redact.ts';

test('registered secret values disappear from text wherever they stand', () => {
  registerSecret('s3cr3t-Value-42');
  assert.equal(
    redactText('login with s3cr3t-Value-42 failed: s3cr3t-Value-42'),
    `login with ${MASK} failed: ${MASK}`,
  );
  assert.equal(redactText('nothing here'), 'nothing here');
});

test('token headers are masked in free text', () => {
  assert.equal(redactText('X-Auth-Token: gAAAAABxyz123'), `X-Auth-Token: ${MASK}`);
  assert.equal(redactText('{"x-subject-token":"gAAAA"}'), `{"x-subject-token":"${MASK}"}`);
});

test('secret-looking keys are masked at any depth; other values kept', () => {
  const out = redactObject({
    auth: { username: 'admin', password: 'pw', application_credential_secret: 'x' },
    list: [{ token: 't' }],
    mtu: 1442,
  });
  assert.deepEqual(out, {
    auth: { username: 'admin', password: MASK, application_credential_secret: MASK },
    list: [{ token: MASK }],
    mtu: 1442,
  });
});
