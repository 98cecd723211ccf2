/**
 * An executable built as a launcher plus ES module chunks (esbuild `splitting`), for the entries of SPLIT
 * in build-options.ts: dist/bin/<name> is a few lines that turn on Node's compile cache and import
 * dist/lib/<name>/<name>.mjs; each subcommand's code is its own chunk, loaded by its `import()`. A run
 * compiles only the chunks it loads (one bundle of everything made every run parse all of it), and from its
 * second run on reads their compiled code from the cache instead of compiling them.
 *
 * @example
 *   await buildSplit('osnet-guest', 'src/cmd/osnet-guest.ts', 'dist/bin/osnet-guest', 'dist/lib/osnet-guest');
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { entryOptions } from './build-options.ts';

/**
 * With splitting, `await import('a-commonjs-package')` gets the chunk's namespace, which has only `default`
 * (esbuild adds no CommonJS interop across a chunk boundary): `(await import('prom-client')).Registry` was
 * undefined, and so was yaml's `parse`. Each package imported dynamically is served through a module that
 * names its exports (read at build time), as Node's own `import()` of it would.
 */
const dynamicImportInterop: Plugin = {
  name: 'dynamic-import-interop',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.kind !== 'dynamic-import' || a.path.startsWith('node:')) return undefined;
      return { path: a.path, namespace: 'dynamic-import-interop', pluginData: a.resolveDir };
    });
    b.onLoad({ filter: /.*/, namespace: 'dynamic-import-interop' }, (a) => {
      const dir = a.pluginData as string;
      const exported = createRequire(join(dir, 'index.js'))(a.path) as Record<string, unknown>;
      const names = Object.keys(exported).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      const id = JSON.stringify(a.path);
      return {
        contents: `import * as ns from ${id};\nexport const { ${names.join(', ')} } = ns;\nexport default ns.default;\n`,
        loader: 'js',
        resolveDir: dir,
      };
    });
  },
};

/** Beside the chunks: writable by whoever could change the code anyway (a shared tmpdir would not be). */
export const CACHE_DIR = '.compile-cache';

export async function buildSplit(name: string, entryFile: string, binFile: string, libDir: string) {
  const { outfile: _, banner: __, ...opts } = entryOptions(name, entryFile, binFile);
  await rm(libDir, { recursive: true, force: true });
  await build({
    ...opts,
    plugins: [...(opts.plugins ?? []), dynamicImportInterop],
    outdir: libDir,
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    // ES modules wherever they are copied, with or without a package.json saying so
    outExtension: { '.js': '.mjs' },
    // the deferred builtins' `require`. Not an `import` of node:module: Node's ESM loader would make a
    // namespace of it for every chunk, reading each of its exports
    banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
  });
  const lib = relative(dirname(binFile), libDir);
  const main = `${lib}/${basename(entryFile).replace(/\.ts$/, '.mjs')}`;
  await mkdir(dirname(binFile), { recursive: true });
  await writeFile(
    binFile,
    `#!/usr/bin/env node
// ${name}: the code is in ${lib}/ (scripts/build-split.ts). Without a writable cache it only compiles.
const { enableCompileCache } = process.getBuiltinModule('node:module');
const { fileURLToPath } = process.getBuiltinModule('node:url');
enableCompileCache(fileURLToPath(new URL('${lib}/${CACHE_DIR}', import.meta.url)));
await import('${main.startsWith('.') ? main : `./${main}`}');
`,
  );
  await chmod(binFile, 0o755);
}
