/**
 * Builds dist/bin/osnet-guest-sea: osnet-guest as a Node single-executable application, so a VM needs no
 * Node install. The esbuild bundle is turned into a CommonJS blob (SEA runs CommonJS main scripts), the
 * blob is produced with `node --experimental-sea-config`, and postject injects it into a copy of this
 * Node binary. Run: `node scripts/build-guest-sea.ts` (or `npm run build:sea`); it prints the file's size.
 * Not part of scripts/build.ts: copying and patching a ~127 MB Node binary takes seconds, the bundles
 * take a fraction of one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deferredBuiltins } from './deferred-builtins.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bin', 'osnet-guest-sea');
/** Fixed by Node's SEA design: the sentinel postject must flip so Node knows a blob is present. */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * V8 without its optimizing compilers (Maglev, TurboFan): a run is over before they would pay off, and not
 * touching their code and memory saved about 2.3 MiB of peak RSS at the same CPU. `--jitless` saved 3 MiB
 * but takes WebAssembly away, and with it fetch (undici's HTTP parser), which the metadata source uses.
 */
const EXEC_ARGV = ['--no-opt', '--no-maglev'];

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
    // as in the bundle: a builtin loads when the code first uses one of its exports
    plugins: [deferredBuiltins],
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
      // V8's code cache of the bundle in the blob: each start skips compiling it (measured: a start-up
      // snapshot of the loaded CLI saved no more CPU and cost about 8 MB of RSS more).
      useCodeCache: true,
      useSnapshot: false,
      execArgv: EXEC_ARGV,
    }),
  );
  // made under the flags it runs with: V8 rejects a code cache made under other flags
  execFileSync(process.execPath, [...EXEC_ARGV, '--experimental-sea-config', seaConfig], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await mkdir(dirname(out), { recursive: true });
  await rm(out, { force: true });
  await copyFile(process.execPath, out);
  await chmod(out, 0o755);
  const inject = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'postject', 'dist', 'cli.js'),
      out,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      FUSE,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  // postject warns about every ELF note section it cannot name; those are harmless, anything else is shown.
  const noise = /^warning: Can't find string offset for section name/;
  const said = inject.stderr
    .split('\n')
    .filter((l) => l && !noise.test(l))
    .join('\n');
  if (said) process.stderr.write(`${said}\n`);
  if (inject.status !== 0) throw new Error(`postject failed (${inject.status ?? inject.signal})`);
} finally {
  await rm(work, { recursive: true, force: true });
}
const mb = ((await stat(out)).size / 1024 / 1024).toFixed(1);
console.log(`built ${relative(root, out)} (${mb} MiB) in ${Math.round(performance.now() - t0)} ms`);
