import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { idSegment } from './ids.ts';

function rejects(value: unknown, field = 'port id'): void {
  assert.throws(
    () => idSegment(value, field),
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === field,
    `${JSON.stringify(value)} must be refused`,
  );
}

test('ids that would leave their path segment are refused, naming the argument', () => {
  // `ports/..` resolves to the collection's parent, `ports/.` to the collection itself
  for (const v of ['..', '.', '', ' ', '../networks', 'a/b', 'a?b', 'a#b', 'a\\b', 'a\nb']) rejects(v);
  rejects(undefined);
  rejects(42);
});

test('ordinary ids pass, URL-encoded as one segment', () => {
  assert.equal(
    idSegment('0f8e3b2c-1d4a-4e5f-9a6b-7c8d9e0f1a2b', 'port id'),
    '0f8e3b2c-1d4a-4e5f-9a6b-7c8d9e0f1a2b',
  );
  assert.equal(idSegment('default', 'domainId'), 'default');
  assert.equal(idSegment('a b', 'userId'), 'a%20b');
  assert.equal(idSegment('..x', 'id'), '..x');
  assert.equal(idSegment('100%', 'id'), '100%25');
});

test('a resource path built from a refused id never resolves onto another resource', () => {
  const base = 'http://neutron.test:9696/v2.0/';
  for (const v of ['..', '.']) {
    assert.throws(() => new URL(`ports/${idSegment(v, 'port id')}`, base));
  }
  assert.equal(new URL(`ports/${idSegment('p1', 'port id')}`, base).pathname, '/v2.0/ports/p1');
});
