import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OsnetError } from '../lib/errors.ts';
import { Exec } from './exec.ts';

test('Exec records changing commands only, names its error code, and reports a missing tool or a timeout', async () => {
  const ex = new Exec({ timeoutMs: 300, code: 'OSNET_ERR_IO' });
  await ex.read(['true']);
  await ex.run(['true']);
  assert.deepEqual(ex.history, [['true']]);
  await assert.rejects(ex.run(['osnet-no-such-tool']), /osnet-no-such-tool: osnet-no-such-tool not found/);
  await assert.rejects(ex.run(['sleep', '5']), (e: unknown) => {
    assert.ok(e instanceof OsnetError);
    assert.equal(e.code, 'OSNET_ERR_IO');
    assert.match(e.message, /^sleep 5: timed out after 300 ms$/);
    return true;
  });
});

test('Exec hands input to the command on stdin, and a command that ignores it still reports its status', async () => {
  const ex = new Exec({ timeoutMs: 5_000 });
  assert.equal((await ex.run(['cat'], { input: 'line 1\nline 2\n' })).stdout, 'line 1\nline 2\n');
  const big = 'x'.repeat(1 << 20);
  await assert.rejects(ex.run(['false'], { input: big }), /OsnetError: false: Command failed/);
});
