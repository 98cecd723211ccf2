// The `fields` narrowing is a compile-time contract: `tsc --noEmit` checks the @ts-expect-error lines below
// (an expectation that no longer errors fails the type check), and the runtime test checks the query it sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Port } from '../networking/v2/ports/results.ts';
import { toQuery } from './query.ts';
import type { Listed } from './types.ts';

type Both = Listed<Port, { fields: ['id', 'status'] }>;
type Whole = Listed<Port, { network_id: string }>;
type Maybe = Listed<Port, { fields?: ('id' | 'status')[] }>;

export function typeChecks(both: Both, whole: Whole, maybe: Maybe): string[] {
  // @ts-expect-error: only the asked fields are there
  void both.name;
  // @ts-expect-error: with fields optional, only the listed ones are sure to be there
  const name: string = maybe.name;
  return [both.id, both.status, whole.device_owner, whole['binding:vnic_type'], maybe.id, maybe.status, name];
}

test('fields go to the query as repeated fields= keys', () => {
  assert.deepEqual(toQuery({ fields: ['id', 'status'] }), { fields: ['id', 'status'] });
});
