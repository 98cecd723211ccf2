import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERRORS, OsnetError, toOsnetError } from './errors.ts';

test('every code maps to an HTTP status, a CNI code and an exit code', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, /^OSNET_ERR_[A-Z_]+$/);
    assert.ok(spec.http >= 400 && spec.http < 600, code);
    assert.ok(spec.cni >= 1 && (spec.cni <= 11 || spec.cni >= 100), code);
    assert.ok(spec.exit >= 1 && spec.exit < 126, code);
  }
});

test('OsnetError carries field and details in its JSON form', () => {
  const e = new OsnetError('OSNET_ERR_VALIDATION', 'bad mtu', { field: 'links[0].mtu', got: 'abc' });
  assert.equal(e.httpStatus, 400);
  assert.equal(e.cniCode, 7);
  assert.deepEqual(e.toJSON(), {
    code: 'OSNET_ERR_VALIDATION',
    message: 'bad mtu',
    field: 'links[0].mtu',
    got: 'abc',
  });
});

test('toOsnetError keeps OsnetErrors and wraps anything else as internal', () => {
  const e = new OsnetError('OSNET_ERR_IO', 'disk');
  assert.equal(toOsnetError(e), e);
  const w = toOsnetError(new TypeError('boom'));
  assert.equal(w.code, 'OSNET_ERR_INTERNAL');
  assert.equal(w.message, 'boom');
  assert.ok(w.cause instanceof TypeError);
});
