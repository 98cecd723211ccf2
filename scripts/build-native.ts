/**
 * Builds the native addons under native/ into dist/native/<name>.node with node-gyp, offline: the headers
 * come from the npm `node` package (or OSNET_NODEDIR), node-gyp from the npm installation (or
 * OSNET_NODE_GYP). A content stamp skips the rebuild when sources, headers and Node are unchanged.
 * Run: `node scripts/build-native.ts [--force]`; other scripts and tests call buildNative().
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADDONS = ['peercred'] as const;

export interface BuildNativeOptions {
  force?: boolean;
  /** Where the .node files go (tests build elsewhere to prove the build). */
  outDir?: string;
}

export interface BuiltAddon {
  name: string;
  path: string;
  rebuilt: boolean;
}

/** The headers dir node-gyp wants as --nodedir (it holds include/node/common.gypi). */
export function findNodeDir(): string {
  const candidates = [
    process.env.OSNET_NODEDIR,
    join(root, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`),
    // an ordinary install: <prefix>/bin/node with <prefix>/include/node
    join(dirname(realpathSync(process.execPath)), '..'),
  ].filter((c): c is string => typeof c === 'string' && c !== '');
  const found = candidates.find((c) => existsSync(join(c, 'include', 'node', 'common.gypi')));
  if (found === undefined) {
    throw new Error(
      `no Node headers (include/node/common.gypi) in ${candidates.join(', ')}; run npm rebuild node (a later npm install prunes them) or set OSNET_NODEDIR`,
    );
  }
  return found;
}

/** node-gyp's CLI script: npm bundles it, so no download or extra dependency is needed. */
export function findNodeGyp(): string {
  const gypIn = (npmDir: string) => join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const candidates: string[] = [];
  if (process.env.OSNET_NODE_GYP) candidates.push(process.env.OSNET_NODE_GYP);
  candidates.push(join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  // npm_execpath is npm-cli.js when run under `npm run`
  if (process.env.npm_execpath) candidates.push(gypIn(join(dirname(process.env.npm_execpath), '..')));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const npm = join(dir, 'npm');
    if (dir !== '' && existsSync(npm)) candidates.push(gypIn(join(dirname(realpathSync(npm)), '..')));
  }
  candidates.push(gypIn('/usr/lib/node_modules/npm'), gypIn('/usr/local/lib/node_modules/npm'));
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new Error(`node-gyp not found (looked at ${candidates.join(', ')}); set OSNET_NODE_GYP`);
  }
  return found;
}

async function inputsHash(srcDir: string, nodeDir: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`${process.version} ${process.platform} ${process.arch}\n`);
  const files = (await readdir(srcDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  for (const f of files.sort()) {
    h.update(`${f}\n`);
    h.update(await readFile(join(srcDir, f)));
  }
  for (const header of ['node_api.h', 'js_native_api.h', 'node_version.h']) {
    h.update(await readFile(join(nodeDir, 'include', 'node', header)));
  }
  return h.digest('hex');
}

async function buildOne(name: string, outDir: string, force: boolean): Promise<BuiltAddon> {
  const srcDir = join(root, 'native', name);
  const out = join(outDir, `${name}.node`);
  const stamp = `${out}.stamp`;
  const nodeDir = findNodeDir();
  const hash = await inputsHash(srcDir, nodeDir);
  const old = existsSync(stamp) ? (await readFile(stamp, 'utf8')).trim() : '';
  if (!force && old === hash && existsSync(out)) return { name, path: out, rebuilt: false };

  // node-gyp writes build/ next to binding.gyp: build from a copy so native/ stays clean; one copy per
  // process, so two builds at once (parallel test files) never share a tree and the rename picks a winner
  const work = join(outDir, '.build', `${name}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(dirname(work), { recursive: true });
  await cp(srcDir, work, { recursive: true, filter: (src) => !src.startsWith(join(srcDir, 'build')) });
  execFileSync(process.execPath, [findNodeGyp(), 'rebuild', `--nodedir=${nodeDir}`, '--loglevel=warn'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, npm_config_nodedir: nodeDir, npm_config_offline: 'true' },
  });
  const tmp = `${out}.${process.pid}.tmp`;
  await copyFile(join(work, 'build', 'Release', `${name}.node`), tmp);
  await rename(tmp, out);
  await writeFile(stamp, `${hash}\n`);
  await rm(work, { recursive: true, force: true });
  await rmdir(dirname(work)).catch(() => {}); // still in use by a parallel build: leave it
  return { name, path: out, rebuilt: true };
}

export async function buildNative(opts: BuildNativeOptions = {}): Promise<BuiltAddon[]> {
  const outDir = opts.outDir ?? join(root, 'dist', 'native');
  await mkdir(outDir, { recursive: true });
  const built: BuiltAddon[] = [];
  // one at a time: node-gyp runs make, and the machine is shared
  for (const name of ADDONS) built.push(await buildOne(name, outDir, opts.force === true));
  return built;
}

if (import.meta.main) {
  const t0 = performance.now();
  const built = await buildNative({ force: process.argv.includes('--force') });
  const ms = Math.round(performance.now() - t0);
  const rebuilt = built.filter((b) => b.rebuilt).map((b) => b.path.slice(root.length + 1));
  const fresh = built.filter((b) => !b.rebuilt).map((b) => b.path.slice(root.length + 1));
  const parts = [
    rebuilt.length > 0 ? `built ${rebuilt.join(', ')}` : '',
    fresh.length > 0 ? `${fresh.join(', ')} up to date` : '',
  ].filter((p) => p !== '');
  console.log(`${parts.join('; ')} in ${ms} ms`);
}
