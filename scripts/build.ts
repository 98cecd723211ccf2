/**
 * Bundles each deployable with esbuild into dist/bin/<name> (one file, shebang, executable).
 * Entry points live in src/cmd/<name>.ts; a capability adds its executable by adding its entry here.
 * The single executable of osnet-guest is a separate script (`npm run build:sea`): it takes seconds.
 */
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildNative } from './build-native.ts';
import { entryOptions, SPLIT } from './build-options.ts';
import { buildSplit } from './build-split.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cmdDir = join(root, 'src', 'cmd');
const out = join(root, 'dist', 'bin');

const entries = (await readdir(cmdDir))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3));

await mkdir(out, { recursive: true });
const t0 = performance.now();
await Promise.all(
  entries.map(async (name) => {
    const outfile = join(out, name);
    const entry = join(cmdDir, `${name}.ts`);
    if (SPLIT.has(name)) return buildSplit(name, entry, outfile, join(root, 'dist', 'lib', name));
    await build(entryOptions(name, entry, outfile));
    await chmod(outfile, 0o755);
  }),
);
/** A split entry's size is its chunks' (dist/lib/<name>), its launcher is a few lines. */
async function kib(e: string): Promise<string> {
  if (!SPLIT.has(e)) return `${Math.round((await stat(join(out, e))).size / 1024)} KiB`;
  const lib = join(root, 'dist', 'lib', e);
  const chunks = (await readdir(lib)).filter((f) => f.endsWith('.mjs'));
  const bytes = (await Promise.all(chunks.map((f) => stat(join(lib, f))))).reduce((n, s) => n + s.size, 0);
  return `${Math.round(bytes / 1024)} KiB in ${chunks.length} chunks`;
}
const sizes = await Promise.all(entries.map(async (e) => `dist/bin/${e} (${await kib(e)})`));
console.log(`built ${sizes.join(', ')} in ${Math.round(performance.now() - t0)} ms`);
// the daemon's SO_PEERCRED addon (N-API, built offline against the npm `node` package's headers)
const native = await buildNative();
console.log(
  `native: ${native.map((n) => `${n.path.slice(root.length + 1)} ${n.rebuilt ? 'built' : 'up to date'}`).join(', ')}`,
);
