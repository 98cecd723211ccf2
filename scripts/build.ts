/**
 * Bundles each deployable with esbuild into dist/bin/<name> (one file, shebang, executable).
 * Entry points live in src/cmd/<name>.ts; a capability adds its executable by adding its entry here.
 * The single executable of osnet-guest is a separate script (`npm run build:sea`): it takes seconds.
 */
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { buildNative } from './build-native.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmdDir = join(root, 'src', 'cmd');
const out = join(root, 'dist', 'bin');

const entries = (await readdir(cmdDir))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3));

/**
 * In an ESM bundle every `import ... from 'node:x'` is a static import of the whole file, so Node loads each
 * builtin any subcommand uses before the first line runs (node:http, readline, worker_threads, ...). Served
 * as a CommonJS `require` instead, a builtin loads when the module that imports it first runs: with the
 * entry's lazy `import()`s, only the builtins of the subcommand that runs.
 */
const lazyBuiltins: Plugin = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) =>
      a.namespace === 'lazy-builtin'
        ? { path: a.path, external: true }
        : { path: a.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(a.path)});`,
      loader: 'js',
    }));
  },
};

/** Options of one entry over the shared ones, for an executable whose start-up cost matters. */
const PER_ENTRY: Record<string, BuildOptions> = {
  // A process per udev event: each subcommand's code and builtins load when it runs. Not minified: that
  // saved about 1% of a render's CPU and 0.4 MB, less than readable stack traces are worth.
  'osnet-guest': { plugins: [lazyBuiltins] },
};

await mkdir(out, { recursive: true });
const t0 = performance.now();
await Promise.all(
  entries.map(async (name) => {
    const outfile = join(out, name);
    await build({
      entryPoints: [join(cmdDir, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: false,
      sourcemap: false,
      legalComments: 'none',
      banner: {
        js: "#!/usr/bin/env node\nimport { createRequire as __osnetCreateRequire } from 'node:module';\nconst require = __osnetCreateRequire(import.meta.url);",
      },
      logLevel: 'warning',
      ...PER_ENTRY[name],
    });
    await chmod(outfile, 0o755);
  }),
);
const sizes = await Promise.all(
  entries.map(async (e) => `dist/bin/${e} (${Math.round((await stat(join(out, e))).size / 1024)} KiB)`),
);
console.log(`built ${sizes.join(', ')} in ${Math.round(performance.now() - t0)} ms`);
// the daemon's SO_PEERCRED addon (N-API, built offline against the npm `node` package's headers)
const native = await buildNative();
console.log(
  `native: ${native.map((n) => `${n.path.slice(root.length + 1)} ${n.rebuilt ? 'built' : 'up to date'}`).join(', ')}`,
);
