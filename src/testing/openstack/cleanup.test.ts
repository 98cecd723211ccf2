import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cleanup } from './cleanup.ts';

test('steps run newest first; a failing step does not stop the others; failures are reported together', async () => {
  const ran: string[] = [];
  const c = new Cleanup();
  c.defer(async () => void ran.push('network'));
  c.defer(async () => {
    ran.push('subnet');
    throw new Error('subnet busy');
  });
  c.defer(async () => void ran.push('port'));
  await assert.rejects(c.run(), (e: AggregateError) => {
    assert.ok(e instanceof AggregateError);
    assert.match(e.message, /cleanup: 1 step\(s\) failed/);
    assert.equal((e.errors[0] as Error).message, 'subnet busy');
    return true;
  });
  assert.deepEqual(ran, ['port', 'subnet', 'network']);
  await c.run(); // emptied: a second run does nothing and succeeds
  assert.equal(ran.length, 3);
});
