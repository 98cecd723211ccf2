import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { toQuery } from './query.ts';

function rejects(fn: () => unknown, field: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === field,
  );
}

test('ids and names become repeated id= and name= keys', () => {
  assert.deepEqual(toQuery({ ids: ['a', 'b'], names: ['n'] }), { id: ['a', 'b'], name: ['n'] });
});

test('tag filters are joined with commas, as Neutron splits them', () => {
  assert.deepEqual(
    toQuery({ tags: ['x', 'y'], 'tags-any': ['z'], 'not-tags': ['w'], 'not-tags-any': ['v'] }),
    {
      tags: 'x,y',
      'tags-any': 'z',
      'not-tags': 'w',
      'not-tags-any': 'v',
    },
  );
});

test('fixed_ips filters become repeated fixed_ips=key=value', () => {
  assert.deepEqual(
    toQuery({ fixed_ips: [{ ip_address: '10.0.0.5' }, { subnet_id: 's1', ip_address_substr: '10.0' }] }),
    { fixed_ips: ['ip_address=10.0.0.5', 'subnet_id=s1', 'ip_address_substr=10.0'] },
  );
});

test('scalars pass through, undefined and null are left out, attribute names with a colon are kept', () => {
  assert.deepEqual(
    toQuery({
      'binding:host_id': 'vm',
      admin_state_up: false,
      limit: 3,
      sort_dir: 'desc',
      marker: undefined,
    }),
    { 'binding:host_id': 'vm', admin_state_up: false, limit: 3, sort_dir: 'desc' },
  );
  assert.deepEqual(toQuery(undefined), {});
});

test('fields and other lists become repeated keys', () => {
  assert.deepEqual(toQuery({ fields: ['id', 'name'], security_groups: ['sg'] }), {
    fields: ['id', 'name'],
    security_groups: ['sg'],
  });
});

test('bad filters fail naming the field, before any request', () => {
  rejects(() => toQuery({ limit: 0 }), 'filters.limit');
  rejects(() => toQuery({ limit: 2.5 }), 'filters.limit');
  rejects(() => toQuery({ sort_dir: 'up' }), 'filters.sort_dir');
  rejects(() => toQuery({ tags: [] }), 'filters.tags');
  rejects(() => toQuery({ tags: ['ok', 'a,b'] }), 'filters.tags[1]');
  rejects(() => toQuery({ 'tags-any': 'x' }), 'filters.tags-any');
  rejects(() => toQuery({ fixed_ips: [{ ip_address: { x: 1 } }] }), 'filters.fixed_ips[0].ip_address');
  rejects(() => toQuery({ device_id: { nested: true } }), 'filters.device_id');
  rejects(() => toQuery({ ids: ['a', ['b']] }), 'filters.ids[1]');
});

test('sort_key alone gets sort_dir=asc, which Neutron requires in pairs', () => {
  assert.deepEqual(toQuery({ sort_key: 'name' }), { sort_key: 'name', sort_dir: 'asc' });
  assert.deepEqual(toQuery({ sort_key: 'name', sort_dir: 'desc' }), { sort_key: 'name', sort_dir: 'desc' });
});
