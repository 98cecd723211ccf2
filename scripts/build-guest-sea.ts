/**
 * Builds dist/bin/osnet-guest-sea: osnet-guest as a Node single-executable application, so a VM needs no
 * Node install. The esbuild bundle is turned into a CommonJS blob (SEA runs CommonJS main scripts), the
 * blob is produced with `node --experimental-sea-config`, and postject injects it into a copy of this
 * Node binary. Run: `node scripts/build-guest-sea.ts`.
 */
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bin', 'osnet-guest-sea');
/** Fixed by Node's SEA design: the sentinel postject must flip so Node knows a blob is present. */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const t0 = performance.now();
const work = await mkdtemp(join(tmpdir(), 'osnet-sea-'));
try {
  const main = join(work, 'main.cjs');
  await build({
    entryPoints: [join(root, 'src', 'cmd', 'osnet-guest.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    // SEA main scripts are CommonJS (the entry avoids top-level await for that reason).
    format: 'cjs',
    target: 'node24',
    logLevel: 'warning',
    legalComments: 'none',
    define: { 'import.meta.url': '__osnetImportMetaUrl' },
    banner: { js: 'const __osnetImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  const seaConfig = join(work, 'sea-config.json');
  const blob = join(work, 'sea.blob');
  await writeFile(
    seaConfig,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: false,
      useSnapshot: false,
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });
  await mkdir(dirname(out), { recursive: true });
  await rm(out, { force: true });
  await copyFile(process.execPath, out);
  await chmod(out, 0o755);
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'postject', 'dist', 'cli.js'),
      out,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      FUSE,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(`built ${out} in ${Math.round(performance.now() - t0)} ms`);
