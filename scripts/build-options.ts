/**
 * The esbuild options of one executable, shared by scripts/build.ts and tests that bundle an entry point
 * of their own (so what a test runs is built exactly like dist/bin). PER_ENTRY holds what differs per
 * executable: the CNI plugins run once per pod per verb, so their bundles are minified.
 */
import { createRequire } from 'node:module';
import type { BuildOptions, Plugin } from 'esbuild';

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

const nodeRequire = createRequire(import.meta.url);

/**
 * Lazier still: a builtin loads when one of its exports is first read, not when the module importing it
 * runs. Each builtin is served as an object of getters, one per export name (read from this Node at build
 * time: the bundle runs on the same major version), that load it on first use. So commander's
 * `require('node:child_process')`, or a renderer's `createHash` import, costs nothing on a path that never
 * calls them. esbuild's ESM interop copies such getters as getters, so ESM importers stay lazy too.
 */
export const deferredBuiltins: Plugin = {
  name: 'deferred-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) =>
      a.namespace === 'deferred-builtin'
        ? { path: a.path, external: true }
        : { path: a.path, namespace: 'deferred-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'deferred-builtin' }, (a) => {
      const id = JSON.stringify(a.path);
      const names = Object.getOwnPropertyNames(nodeRequire(a.path) as object).filter(
        (n) => n !== 'default' && n !== '__esModule',
      );
      const getters = names.map((n) => `get ${JSON.stringify(n)}() { return load()[${JSON.stringify(n)}]; }`);
      return {
        contents: `let m;\nconst load = () => (m ??= require(${id}));\nmodule.exports = { ${getters.join(', ')} };`,
        loader: 'js',
      };
    });
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
