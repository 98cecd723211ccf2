/**
 * An esbuild plugin for short-lived executables: a Node builtin loads when one of its exports is first
 * read, not when the module importing it runs. Each builtin is served as an object of getters, one per
 * export name (read from this Node at build time: the bundle runs on the same major version), that load it
 * on first use. So commander's `require('node:child_process')`, or a renderer's `createHash` import, costs
 * nothing on a path that never calls them. esbuild's ESM interop copies such getters as getters, so ESM
 * importers stay lazy too.
 *
 * Served as they are (a plain `require`): a builtin whose export is itself a function or class (node:assert,
 * node:events, node:stream: an object of getters cannot be called or extended) and node:process (its
 * methods need it as `this`, and a getter object would take assignments such as `exitCode` for itself).
 * Builtins Node loads at start are deferred too: esbuild's interop reads every property descriptor of a
 * module an ES module imports from, and some of Node's (node:util's) load more modules when read.
 *
 * @example
 *   await build({ ...options, plugins: [deferredBuiltins] });
 */
import { createRequire } from 'node:module';
import type { Plugin } from 'esbuild';

const nodeRequire = createRequire(import.meta.url);

/** Whether `id` (node:x) is served as getters, see the module comment. */
export function deferrable(id: string): boolean {
  if (id === 'node:process') return false;
  return typeof nodeRequire(id) === 'object';
}

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
      if (!deferrable(a.path)) return { contents: `module.exports = require(${id});`, loader: 'js' };
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
