import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildNative, findNodeDir, findNodeGyp } from './build-native.ts';

const out = await mkdtemp(join(tmpdir(), 'osnet-native-'));
after(() => rm(out, { recursive: true, force: true }));

describe('build-native', () => {
  it('finds node-gyp and the Node headers on this machine', () => {
    assert.match(findNodeGyp(), /node-gyp\.js$/);
    assert.ok(findNodeDir().length > 0);
  });

  it('builds a loadable addon, then skips the rebuild while the inputs are unchanged', async () => {
    const [first] = await buildNative({ outDir: out });
    assert.ok(first?.rebuilt);
    const loaded = spawnSync(
      process.execPath,
      [
        '-e',
        'const m={exports:{}};process.dlopen(m,process.argv[1]);console.log(typeof m.exports.peerCred)',
        first.path,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(loaded.stdout.trim(), 'function', loaded.stderr);
    const mtime = (await stat(first.path)).mtimeMs;

    const [second] = await buildNative({ outDir: out });
    assert.equal(second?.rebuilt, false);
    assert.equal((await stat(first.path)).mtimeMs, mtime);
  });

  it('rebuilds when the stamp no longer matches the inputs, or when forced', async () => {
    const stamp = join(out, 'peercred.node.stamp');
    const good = await readFile(stamp, 'utf8');
    await writeFile(stamp, 'stale\n');
    const [r1] = await buildNative({ outDir: out });
    assert.ok(r1?.rebuilt);
    assert.equal(await readFile(stamp, 'utf8'), good);
    const [r2] = await buildNative({ outDir: out, force: true });
    assert.ok(r2?.rebuilt);
  });

  it('the CLI prints what it did and how long it took', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, 'build-native.ts')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dist\/native\/peercred\.node/);
    assert.match(r.stdout, / in \d+ ms\n$/);
  });
});
