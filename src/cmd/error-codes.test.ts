import assert from 'node:assert/strict';
import { glob, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { errorCodes, type RegisteredError } from '../lib/errors.ts';

// Error tables live with their capabilities; these tests see them all: docs/errors.md lists exactly the
// registered codes, every code the source raises is in a table, and every executable loads the tables of
// the codes it can raise (a table not loaded would report its codes as internal errors).
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CODE = /'(OSNET_ERR_[A-Z0-9_]+)'/g;

async function files(pattern: string): Promise<string[]> {
  const out: string[] = [];
  for await (const f of glob(pattern, { cwd: repo })) out.push(f);
  return out.sort();
}

/** Every table module, imported: each registers its codes. */
async function loadTables(): Promise<Map<string, string[]>> {
  const byFile = new Map<string, string[]>();
  for (const f of ['src/lib/errors.ts', ...(await files('src/**/error-codes.ts'))]) {
    const before = new Set(errorCodes().map((c) => c.code));
    const mod = (await import(pathToFileURL(join(repo, f)).href)) as Record<string, unknown>;
    const own = Object.values(mod)
      .filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
      .flatMap((t) => Object.keys(t).filter((k) => k.startsWith('OSNET_ERR_')));
    byFile.set(f, own);
    for (const c of own) assert.ok(before.has(c) || errorCodes().some((r) => r.code === c), `${f}: ${c}`);
  }
  return byFile;
}

function row(c: RegisteredError): string {
  return `| \`${c.code}\` | ${c.owner} | ${c.http} | ${c.cni} | ${c.exit} | ${c.title} |`;
}

test('docs/errors.md lists every registered code with its HTTP, CNI and exit mapping', async () => {
  await loadTables();
  const doc = await readFile(join(repo, 'docs', 'errors.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `OSNET_ERR_'));
  const expected = errorCodes().map(row);
  assert.ok(expected.length > 20, 'every table was found');
  assert.deepEqual(rows, expected, `docs/errors.md's table should read:\n${expected.join('\n')}`);
});

test('every code the source raises is in a table', async () => {
  await loadTables();
  const known = new Set(errorCodes().map((c) => c.code));
  const missing: string[] = [];
  for (const f of await files('src/**/*.ts')) {
    if (f.endsWith('.test.ts')) continue;
    for (const [, code] of (await readFile(join(repo, f), 'utf8')).matchAll(CODE))
      if (!known.has(code!)) missing.push(`${f}: ${code}`);
  }
  assert.deepEqual(missing, []);
});

test('every executable loads the table of each code it can raise', async () => {
  const tables = await loadTables();
  const owner = new Map([...tables].flatMap(([f, codes]) => codes.map((c) => [c, f] as const)));
  for (const entry of await files('src/cmd/*.ts')) {
    if (entry.endsWith('.test.ts')) continue;
    const { metafile } = await build({
      entryPoints: [join(repo, entry)],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const inputs = Object.keys(metafile.inputs)
      .map((p) => relative(repo, join(process.cwd(), p)))
      .filter((p) => p.startsWith('src/'));
    const loaded = new Set(inputs);
    const unloaded: string[] = [];
    for (const f of inputs) {
      for (const [, code] of (await readFile(join(repo, f), 'utf8')).matchAll(CODE)) {
        const table = owner.get(code!);
        if (table && !loaded.has(table))
          unloaded.push(`${entry}: ${f} raises ${code}, ${table} is not loaded`);
      }
    }
    assert.deepEqual(unloaded, []);
  }
});
