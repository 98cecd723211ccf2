/**
 * The esbuild options of one executable, shared by scripts/build.ts and tests that bundle an entry point
 * of their own (so what a test runs is built exactly like dist/bin). PER_ENTRY holds what differs per
 * executable: the CNI plugins run once per pod per verb, so their bundles are minified.
 */
import type { BuildOptions, Plugin } from 'esbuild';
import { deferredBuiltins } from './deferred-builtins.ts';

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

export const PER_ENTRY: Record<string, Partial<BuildOptions>> = {
  // A process per udev event: each subcommand's code and builtins load when it runs. Not minified: that
  // saved about 1% of a render's CPU and 0.4 MB, less than readable stack traces are worth.
  'osnet-guest': { plugins: [deferredBuiltins] },
  // VERSION loads only the spec core: the verbs' modules (and their built-ins) load when a verb runs
  'openstack-port-cni': { minify: true, plugins: [lazyBuiltins] },
  'osnet-ovs': { minify: true },
};

/** Built as a launcher and chunks (scripts/build-split.ts), not one file. */
export const SPLIT = new Set(['osnet-guest']);

export function entryOptions(name: string, entryFile: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryFile],
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
  };
}
