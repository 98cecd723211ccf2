import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { ifMatchHeaders, requireOneOf, requireString, requireTag } from './validate.ts';

function rejects(fn: () => unknown, field: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === field,
  );
}

test('If-Match carries the revision, only for a non-negative integer', () => {
  assert.equal(ifMatchHeaders(undefined), undefined);
  assert.deepEqual(ifMatchHeaders(0), { 'If-Match': 'revision_number=0' });
  assert.deepEqual(ifMatchHeaders(7), { 'If-Match': 'revision_number=7' });
  rejects(() => ifMatchHeaders(-1), 'ifMatch');
  rejects(() => ifMatchHeaders(1.5), 'ifMatch');
});

test('required attributes name their JSON path', () => {
  rejects(() => requireString({}, 'network_id', 'ports[2]'), 'ports[2].network_id');
  rejects(
    () => requireOneOf({ direction: 'in' }, 'direction', ['ingress', 'egress'], 'rule'),
    'rule.direction',
  );
  requireOneOf({}, 'ethertype', ['IPv4'], 'rule', false);
  requireString({ network_id: 'n' }, 'network_id', 'port');
});

test('tags: 1-255 characters, no "/", no "," in filters', () => {
  assert.equal(requireTag('a,b', 'tag'), 'a,b');
  rejects(() => requireTag('a,b', 'tags[0]', true), 'tags[0]');
  rejects(() => requireTag('', 'tag'), 'tag');
  rejects(() => requireTag('x'.repeat(256), 'tag'), 'tag');
  rejects(() => requireTag('a/b', 'tag'), 'tag');
});
