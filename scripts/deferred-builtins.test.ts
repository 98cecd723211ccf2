import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { deferredBuiltins } from './deferred-builtins.ts';

// A bundle built with the plugin behaves as one without it, and loads a deferred builtin only when used.
const ENTRY = `
import assert from 'node:assert';
import { EventEmitter } from 'node:events';
import events from 'node:events';
import process from 'node:process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
const loaded = (m) => process.moduleLoadList.includes('NativeModule ' + m);
const before = loaded('crypto');
assert(typeof readFileSync === 'function', 'assert is callable');
class E extends events {}
class F extends EventEmitter {}
let got = 0;
new E().on('x', () => got++).emit('x');
new F().on('x', () => got++).emit('x');
const hash = createHash('sha256').update('x').digest('hex').length;
process.exitCode = 3;
console.log(JSON.stringify({ before, after: loaded('crypto'), got, hash }));
`;

test('deferred builtins: callable and extendable exports work, process is the process, crypto loads on first use', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-deferred-'));
  try {
    await writeFile(join(dir, 'entry.mjs'), ENTRY);
    const out = join(dir, 'out.mjs');
    await build({
      entryPoints: [join(dir, 'entry.mjs')],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'warning',
      banner: {
        js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
      },
      plugins: [deferredBuiltins],
    });
    const r = spawnSync(process.execPath, [out], { encoding: 'utf8' });
    assert.equal(r.status, 3, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { before: false, after: true, got: 2, hash: 64 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
