/**
 * The thin plugin runs once per pod per verb, so what src/cni pulls in is what every call pays to
 * load: only src/cni itself, the error registry and Node built-ins, no npm package.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

const here = import.meta.dirname;
const repo = join(here, '..', '..');
const MAX_BYTES = 48 * 1024;
/**
 * The plugin around the spec core: it also writes its cache file (src/host/files.ts) and runs osnet-ovs
 * in-process (src/host/exec.ts, netns.ts).
 */
const PLUGIN_MODULES = new Set([
  'attachment-cache.ts',
  'built-in-delegate.ts',
  'daemon-client.ts',
  'delegate-config.ts',
  'delegate.ts',
  'exec-plugin.ts',
  'plugin.ts',
  'port-info.ts',
  'version-cache.ts',
]);
/** What the executables may load besides src/cni: Node built-ins and these. */
// src/cli/print.ts: output straight to fd 1 (node:fs only), shared with osnet-guest
const ALLOWED_OUTSIDE = [
  'src/lib/errors.ts',
  'src/lib/sha256.ts',
  'src/host/files.ts',
  'src/host/exec.ts',
  'src/host/netns.ts',
  'src/cli/print.ts',
];
const MAX_PLUGIN_BYTES = 96 * 1024;

describe('src/cni stays small', () => {
  it('bundles from src/cni and src/lib/errors.ts only, under 48 KiB', async () => {
    const modules = (await readdir(here)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !PLUGIN_MODULES.has(f),
    );
    const r = await build({
      stdin: {
        contents: modules.map((m) => `export * from './${m}';`).join('\n'),
        resolveDir: here,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs).filter((p) => p !== '<stdin>');
    const outside = inputs.filter((p) => !p.startsWith('src/cni/') && p !== 'src/lib/errors.ts');
    assert.deepEqual(outside, []);
    const bytes = r.outputFiles[0]!.contents.byteLength;
    assert.ok(bytes < MAX_BYTES, `bundle is ${bytes} bytes`);
    const imports = r.metafile.outputs[Object.keys(r.metafile.outputs)[0]!]!.imports.map((i) => i.path);
    assert.ok(
      imports.every((p) => p.startsWith('node:')),
      `external imports: ${imports.join(', ')}`,
    );
  });

  it('loads in a fresh Node without resolving anything from node_modules', () => {
    const probe = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
      await import(${JSON.stringify(join(here, 'invocation.ts'))});
      await import(${JSON.stringify(join(here, 'result.ts'))});
      console.log(JSON.stringify(seen));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as string[];
    assert.ok(
      seen.some((u) => u.endsWith('/src/cni/config.ts')),
      'the hook saw the imports',
    );
    assert.deepEqual(
      seen.filter((u) => !u.startsWith('node:') && !/\/src\/(cni\/[\w.-]+|lib\/errors)\.ts$/.test(u)),
      [],
    );
  });

  for (const entry of ['openstack-port-cni', 'osnet-ovs']) {
    it(`src/cmd/${entry}.ts bundles from src/cni, the error registry, SHA-256, three src/host modules and src/cli/print.ts, no npm package`, async () => {
      const r = await build({
        entryPoints: [join(repo, 'src', 'cmd', `${entry}.ts`)],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        logLevel: 'silent',
      });
      const inputs = Object.keys(r.metafile.inputs);
      const outside = inputs.filter(
        (p) => !p.startsWith('src/cni/') && !p.startsWith('src/cmd/') && !ALLOWED_OUTSIDE.includes(p),
      );
      assert.deepEqual(outside, []);
      for (const heavy of ['pino', 'commander', 'undici', 'yaml', 'src/openstack/'])
        assert.ok(!inputs.some((p) => p.includes(heavy)), `${entry} pulls in ${heavy}`);
      const imports = r.metafile.outputs[Object.keys(r.metafile.outputs)[0]!]!.imports.map((i) => i.path);
      assert.ok(
        imports.every((p) => p.startsWith('node:')),
        `external imports: ${imports.join(', ')}`,
      );
      const bytes = r.outputFiles[0]!.contents.byteLength;
      assert.ok(bytes < MAX_PLUGIN_BYTES, `${entry} bundle is ${bytes} bytes`);
    });
  }
});
