/**
 * src/testing holds test tooling (validators, oracles, namespaces, private daemons). Product code must
 * never import it: the bundles would carry test tools, and a product path would depend on dev-only
 * packages. Tests and benchmarks may.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TESTING = join(SRC, 'testing');

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p === TESTING ? [] : productFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative module specifiers of every static and dynamic import or re-export in `text`. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

test('relativeImports finds imports, re-exports and dynamic imports', () => {
  const text = [
    "import { a } from '../testing/guest/cli.ts';",
    "export { b } from './b.ts';",
    "const c = await import('../c.ts');",
    "import 'node:fs';",
  ].join('\n');
  assert.deepEqual(relativeImports(text), ['../testing/guest/cli.ts', './b.ts', '../c.ts']);
});

test('no product file under src/ imports from src/testing', () => {
  const files = productFiles(SRC);
  assert.ok(files.length > 50, `only ${files.length} product files found under ${SRC}`);
  const offenders = files.flatMap((f) =>
    relativeImports(readFileSync(f, 'utf8'))
      .filter((spec) => resolve(dirname(f), spec).startsWith(`${TESTING}/`))
      .map((spec) => `${relative(SRC, f)} imports ${spec}`),
  );
  assert.deepEqual(offenders, []);
});
