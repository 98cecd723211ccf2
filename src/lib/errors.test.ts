import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineErrors, errorCodes, errorSpec, OsnetError, toOsnetError } from './errors.ts';

test('every generic code maps to an HTTP status, a CNI code and an exit code', () => {
  const lib = errorCodes().filter((e) => e.owner === 'lib');
  assert.ok(lib.some((e) => e.code === 'OSNET_ERR_INTERNAL'));
  for (const spec of lib) {
    assert.match(spec.code, /^OSNET_ERR_[A-Z_]+$/);
    assert.ok(spec.http >= 400 && spec.http < 600, spec.code);
    assert.ok(spec.cni >= 1 && (spec.cni <= 11 || spec.cni >= 100), spec.code);
    assert.ok(spec.exit >= 1 && spec.exit < 126, spec.code);
  }
  assert.equal(errorSpec('OSNET_ERR_USAGE').exit, 64);
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

test('a capability table registers its codes; the mapping comes from the table', () => {
  const t = defineErrors('test-a', {
    OSNET_ERR_TEST_A_DOWN: { http: 503, cni: 11, exit: 69, title: 'test A is down' },
  });
  assert.equal(t.OSNET_ERR_TEST_A_DOWN.http, 503);
  const found = errorCodes().find((c) => c.code === 'OSNET_ERR_TEST_A_DOWN');
  assert.deepEqual(found, { code: 'OSNET_ERR_TEST_A_DOWN', owner: 'test-a', ...t.OSNET_ERR_TEST_A_DOWN });
  // Loading the same table twice (two module URLs of one file) is harmless.
  defineErrors('test-a', {
    OSNET_ERR_TEST_A_DOWN: { http: 503, cni: 11, exit: 69, title: 'test A is down' },
  });
});

test('a table cannot take another table’s code or carry a mapping outside HTTP, CNI and exit ranges', () => {
  const spec = { http: 500, cni: 100, exit: 1, title: 't' };
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_INTERNAL: spec }), /already defined by lib/);
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_IO: { ...errorSpec('OSNET_ERR_IO') } }), /lib/);
  assert.throws(() => defineErrors('test-b', { BAD_NAME: spec }), /BAD_NAME: code must look like/);
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_TB1: { ...spec, http: 302 } }), /http 302/);
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_TB2: { ...spec, cni: 8 } }), /cni 8/);
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_TB3: { ...spec, exit: 0 } }), /exit 0/);
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_TB4: { ...spec, exit: 127 } }), /exit 127/);
  // A table with one bad code registers none of its codes.
  assert.throws(() => defineErrors('test-b', { OSNET_ERR_TB_FINE: spec, OSNET_ERR_INTERNAL: spec }));
  assert.equal(
    errorCodes().some((c) => c.owner === 'test-b'),
    false,
  );
});

test('a code whose table is not loaded reports as an internal error instead of throwing', () => {
  const e = new OsnetError('OSNET_ERR_NOT_LOADED' as 'OSNET_ERR_INTERNAL', 'x');
  assert.equal(e.exitCode, 1);
  assert.equal(e.httpStatus, 500);
  assert.equal(e.spec.title, 'Internal error');
});
